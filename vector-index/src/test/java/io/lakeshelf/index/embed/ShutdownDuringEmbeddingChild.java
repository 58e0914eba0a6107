package io.lakeshelf.index.embed;

import java.time.Duration;
import java.util.Collections;
import java.util.List;

/**
 * The child JVM of {@link EmbeddingShutdownIT}: embeds long texts on four threads until it is shut
 * down. Its shutdown hook does what an application's does: holds the shutdown open a while
 * (requests finishing), then closes the service, then the model.
 */
public final class ShutdownDuringEmbeddingChild {

  private ShutdownDuringEmbeddingChild() {}

  public static void main(String[] args) throws Exception {
    MiniLmEmbedder model = MiniLmEmbedder.load();
    EmbeddingService service =
        new EmbeddingService(model, new EmbeddingOptions(8, 2, 8, Duration.ofSeconds(30)));
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    Thread.sleep(2000);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                  service.close();
                  model.close();
                  System.out.println("closed after shutdown");
                  System.out.flush();
                },
                "application-shutdown"));
    List<String> texts = Collections.nCopies(16, EmbeddingShutdownIT.longText(3));
    for (int i = 0; i < 4; i++) {
      Thread.ofPlatform()
          .daemon()
          .start(
              () -> {
                while (true) {
                  try {
                    service.embedAll(texts);
                  } catch (EmbeddingClosedException e) {
                    return;
                  } catch (InterruptedException e) {
                    return;
                  }
                }
              });
    }
    System.out.println("embedding");
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }
}
