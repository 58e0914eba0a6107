package io.lakeshelf.api.embed;

import java.util.Objects;
import org.springframework.boot.web.server.context.WebServerGracefulShutdownLifecycle;
import org.springframework.context.SmartLifecycle;

/**
 * Stops embedding first when the application stops (SIGTERM, context close): in the highest
 * lifecycle phase, so before the web server's graceful shutdown ({@link
 * WebServerGracefulShutdownLifecycle#SMART_LIFECYCLE_PHASE}) starts waiting for the requests
 * running. Those requests then do not wait for batches that would start only now: the texts still
 * waiting for the pool are dropped and their requests answer 503 {@code SHUTTING_DOWN} at once,
 * while the batches running finish and their requests commit and answer as usual. The models are
 * closed later, with the {@link Embeddings} bean, once no batch runs.
 */
public final class EmbeddingsShutdown implements SmartLifecycle {

  private final Embeddings embeddings;
  private volatile boolean running;

  public EmbeddingsShutdown(Embeddings embeddings) {
    this.embeddings = Objects.requireNonNull(embeddings, "embeddings");
  }

  @Override
  public void start() {
    running = true;
  }

  @Override
  public void stop() {
    running = false;
    embeddings.shutdown();
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  @Override
  public int getPhase() {
    return SmartLifecycle.DEFAULT_PHASE;
  }
}
