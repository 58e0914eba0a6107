package io.lakeshelf.langchain4j;

import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import io.lakeshelf.api.LakeshelfApplication;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The real Lakeshelf service on a random port over a given data directory, started once per test
 * class, and the in-process embedding model the suites embed with.
 */
final class RunningLakeshelf implements AutoCloseable {

  /** all-MiniLM-L6-v2, quantized, run in process: 384 dimensions. */
  static final int DIMENSIONS = 384;

  private static EmbeddingModel model;

  private final ConfigurableApplicationContext context;

  private RunningLakeshelf(ConfigurableApplicationContext context) {
    this.context = context;
  }

  /**
   * @param properties more settings, such as {@code --lakeshelf.security.api-keys[0].name=...}
   */
  static RunningLakeshelf start(Path dataDir, String... properties) {
    List<String> args = new ArrayList<>();
    args.add("--server.port=0");
    args.add("--lakeshelf.data-dir=" + dataDir);
    args.add("--lakeshelf.index.sync-interval=200ms");
    args.addAll(List.of(properties));
    // One Spring application starts or stops at a time in this JVM: integration test classes run
    // two at a time, and Logback's context (one per JVM) is not safe for two logging systems
    // initialising or cleaning up at once (a ConcurrentModificationException in CI).
    synchronized (SpringApplication.class) {
      return new RunningLakeshelf(
          new SpringApplicationBuilder(LakeshelfApplication.class)
              .run(args.toArray(String[]::new)));
    }
  }

  /** The embedding model, loaded once for all test classes of the run. */
  static synchronized EmbeddingModel embeddingModel() {
    if (model == null) {
      model = new AllMiniLmL6V2QuantizedEmbeddingModel();
    }
    return model;
  }

  String baseUrl() {
    return "http://localhost:" + ((WebServerApplicationContext) context).getWebServer().getPort();
  }

  /** A store over a collection of that name, created if missing. */
  LakeshelfEmbeddingStore store(String collectionName) {
    return LakeshelfEmbeddingStore.builder()
        .baseUrl(baseUrl())
        .collectionName(collectionName)
        .dimensions(DIMENSIONS)
        .build();
  }

  @Override
  public void close() {
    synchronized (SpringApplication.class) { // see start
      context.close();
    }
  }
}
