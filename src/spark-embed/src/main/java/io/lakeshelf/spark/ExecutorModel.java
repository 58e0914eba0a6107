package io.lakeshelf.spark;

import io.lakeshelf.index.embed.EmbeddingModels;
import io.lakeshelf.index.embed.TextEmbedder;

/**
 * The embedding model of this JVM: loaded by the first task that needs it (about a second and 100
 * MB of native memory), then shared by every task the executor runs, concurrently (the model is
 * safe for concurrent calls, each on its own core). It lives as long as the executor.
 */
final class ExecutorModel {

  private static final EmbeddingModels MODELS = EmbeddingModels.withBuiltIns();

  private ExecutorModel() {}

  static TextEmbedder get(String name) {
    return MODELS.get(name);
  }

  /** The length of the vectors of model {@code name} (loading it in the driver's JVM). */
  static int dimensions(String name) {
    return get(name).dimensions();
  }
}
