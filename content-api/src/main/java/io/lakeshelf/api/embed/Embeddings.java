package io.lakeshelf.api.embed;

import io.lakeshelf.api.error.ApiException;
import io.lakeshelf.api.error.ErrorCode;
import io.lakeshelf.index.embed.EmbeddingClosedException;
import io.lakeshelf.index.embed.EmbeddingException;
import io.lakeshelf.index.embed.EmbeddingModels;
import io.lakeshelf.index.embed.EmbeddingOptions;
import io.lakeshelf.index.embed.EmbeddingRejectedException;
import io.lakeshelf.index.embed.EmbeddingService;
import io.lakeshelf.index.embed.TextEmbedder;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedding models this service offers, each behind an {@link EmbeddingService} (batches on a
 * bounded pool) made when the model is first used. A deployment plugs in another model by
 * registering a {@link TextEmbedder} on the {@link EmbeddingModels} bean.
 *
 * <p>Shutting down takes two steps. {@link #shutdown()}, as the application begins to stop (before
 * the web server's graceful wait): no more texts are taken, texts still waiting for the pool are
 * dropped, and their requests, like every later one that needs embedding, answer 503 {@code
 * SHUTTING_DOWN}; batches running finish. {@link #close()}, when the beans are destroyed: waits
 * until every pool has ended (no batch in a model any more), then closes the models, whose native
 * sessions are freed last.
 */
public final class Embeddings implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Embeddings.class);

  private final EmbeddingModels models;
  private final EmbeddingOptions options;
  private final Map<String, EmbeddingService> services = new ConcurrentHashMap<>();
  private final Set<String> warm = ConcurrentHashMap.newKeySet();
  private volatile boolean shutdown;

  public Embeddings(EmbeddingModels models, EmbeddingOptions options) {
    this.models = Objects.requireNonNull(models, "models");
    this.options = Objects.requireNonNull(options, "options");
  }

  /** The names of the models offered. */
  public Set<String> names() {
    return models.names();
  }

  /** The names of the models loaded so far. */
  public List<String> loaded() {
    return models.names().stream().filter(models::isLoaded).toList();
  }

  /** A model's vector length, loading it if needed; 400 for a model this service does not offer. */
  public int dimensions(String model) {
    try {
      return service(model).embedder().dimensions();
    } catch (EmbeddingException e) {
      throw new EmbeddingException("the embedding model '" + model + "' failed", e);
    }
  }

  /**
   * Loads a model and runs it once, so that the first request that needs it waits for neither (the
   * bundled model takes seconds to load and its first run is slower than the next ones). Does
   * nothing for a model already warmed up.
   *
   * @throws EmbeddingException when the model failed to load or to run, naming the model
   */
  public void warmUp(String model) {
    if (warm.contains(model)) {
      return;
    }
    long started = System.nanoTime();
    embed(model, List.of("Lakeshelf warms up its embedding model."));
    if (warm.add(model)) {
      log.info(
          "Embedding model {} ready for text queries ({} ms to load it if needed and run it once)",
          model,
          (System.nanoTime() - started) / 1_000_000);
    }
  }

  /**
   * One vector per text, in order.
   *
   * @throws EmbeddingRejectedException when the model's pool has no room in time
   * @throws EmbeddingClosedException once the service is stopping
   * @throws EmbeddingException when the model failed, naming the model
   */
  public float[][] embed(String model, List<String> texts) {
    try {
      return service(model).embedAll(texts);
    } catch (EmbeddingClosedException | EmbeddingRejectedException e) {
      throw e;
    } catch (IllegalStateException e) {
      if (shutdown) { // a plugged-in model that says it is closed in its own way
        throw shuttingDown(e);
      }
      throw e;
    } catch (EmbeddingException e) {
      // The model's own message stays in the log; the caller learns which model failed.
      throw new EmbeddingException("the embedding model '" + model + "' failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ApiException(ErrorCode.OVERLOADED, "embedding was interrupted; retry later");
    }
  }

  private EmbeddingService service(String model) {
    if (!models.contains(model)) {
      throw new ApiException(
          ErrorCode.INVALID_REQUEST,
          "no embedding model '" + model + "'; this service offers " + models.names());
    }
    if (shutdown) {
      throw shuttingDown();
    }
    EmbeddingService service;
    try {
      service =
          services.computeIfAbsent(
              model,
              m -> {
                log.info("Loading embedding model {}", m);
                return new EmbeddingService(models.get(m), options);
              });
    } catch (IllegalStateException e) { // the models closed
      throw shuttingDown();
    }
    if (shutdown) { // made while shutdown() ran: it may have missed this service
      service.shutdown();
      throw shuttingDown();
    }
    return service;
  }

  private static EmbeddingClosedException shuttingDown() {
    return shuttingDown(null);
  }

  private static EmbeddingClosedException shuttingDown(Throwable cause) {
    return new EmbeddingClosedException("embedding is shut down", cause);
  }

  /** Whether {@link #shutdown()} was called. */
  public boolean isShutdown() {
    return shutdown;
  }

  /**
   * Takes no more texts: see the class description. Does not wait; the batches running finish.
   * Idempotent.
   */
  public void shutdown() {
    if (!shutdown) {
      shutdown = true;
      log.info(
          "Embedding stops taking texts: {} batches running or queued are finished or dropped",
          services.values().stream().mapToInt(EmbeddingService::batchesInFlight).sum());
    }
    services.values().forEach(EmbeddingService::shutdown);
  }

  /**
   * Shuts down, waits until no batch runs in any model (a model call cannot be interrupted, so as
   * long as the longest batch takes), then closes the models.
   */
  @Override
  public void close() {
    shutdown();
    services.values().forEach(EmbeddingService::close);
    models.close();
  }
}
