package io.lakeshelf.api.embed;

import io.lakeshelf.api.catalog.CollectionDefinition;
import io.lakeshelf.api.catalog.VectorDefinition;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads and warms up the embedding models a collection uses: at start for every collection (see
 * {@code service.WarmUp}), and when a collection that embeds is created or changed. The first text
 * query then waits for neither the model's load (seconds for the bundled one) nor its slower first
 * run. A model that fails here is only logged: its collection's text queries fail with its reason,
 * as they would without the preload, and everything else serves.
 */
public final class ModelPreload {

  private static final Logger log = LoggerFactory.getLogger(ModelPreload.class);

  private final Embeddings embeddings;

  public ModelPreload(Embeddings embeddings) {
    this.embeddings = Objects.requireNonNull(embeddings, "embeddings");
  }

  /** Warms up each model the definition's vectors embed with. */
  public void warmUp(CollectionDefinition definition) {
    for (VectorDefinition v : definition.vectors().values()) {
      if (v.embed() == null) {
        continue;
      }
      try {
        embeddings.warmUp(v.embed());
      } catch (RuntimeException e) {
        log.warn(
            "Embedding model {} of collection {} did not warm up: {}",
            v.embed(),
            definition.name(),
            e.getMessage());
      }
    }
  }
}
