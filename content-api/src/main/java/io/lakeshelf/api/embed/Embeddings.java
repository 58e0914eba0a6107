package io.lakeshelf.api.embed;

import io.lakeshelf.api.error.ApiException;
import io.lakeshelf.api.error.ErrorCode;
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
 */
public final class Embeddings implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Embeddings.class);

  private final EmbeddingModels models;
  private final EmbeddingOptions options;
  private final Map<String, EmbeddingService> services = new ConcurrentHashMap<>();

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
    return service(model).embedder().dimensions();
  }

  /** One vector per text, in order; 503 {@code OVERLOADED} when the model's pool has no room in time. */
  public float[][] embed(String model, List<String> texts) {
    try {
      return service(model).embedAll(texts);
    } catch (EmbeddingRejectedException e) {
      throw new ApiException(ErrorCode.OVERLOADED, "embedding is busy: " + e.getMessage() + "; retry later");
    } catch (EmbeddingException e) {
      log.error("Embedding model {} failed", model, e);
      throw new ApiException(ErrorCode.INTERNAL_ERROR, "the embedding model '" + model + "' failed");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ApiException(ErrorCode.OVERLOADED, "embedding was interrupted; retry later");
    }
  }

  private EmbeddingService service(String model) {
    if (!models.contains(model)) {
      throw new ApiException(ErrorCode.INVALID_REQUEST,
          "no embedding model '" + model + "'; this service offers " + models.names());
    }
    return services.computeIfAbsent(model, m -> {
      log.info("Loading embedding model {}", m);
      return new EmbeddingService(models.get(m), options);
    });
  }

  @Override
  public void close() {
    services.values().forEach(EmbeddingService::close);
    models.close();
  }
}
