package io.lakeshelf.index.embed;

import java.util.List;

/**
 * A text embedding model: turns texts into vectors of {@link #dimensions()} floats, texts of like
 * meaning into vectors pointing alike.
 *
 * <p>This is the plug-in point for models. Lakeshelf bundles one, {@link MiniLmEmbedder} ({@value
 * MiniLmEmbedder#NAME}); a deployment that wants another implements this interface (a model run in
 * process, or a client of an embedding server) and registers it under its name with {@link
 * EmbeddingModels#register}, after which a collection can name it. Implementations must:
 *
 * <ul>
 *   <li>be safe for concurrent calls of {@link #embed} from several threads ({@link
 *       EmbeddingService} runs batches in parallel);
 *   <li>be deterministic: the same text gives the same vector (up to float rounding when it is
 *       batched with other texts), so that a document and a query about it meet;
 *   <li>accept any text, the empty one and one longer than the model reads included, and say in
 *       their documentation what they do with a text past their limit.
 * </ul>
 */
public interface TextEmbedder extends AutoCloseable {

  /** The name collections refer to this model by, e.g. {@code all-minilm-l6-v2}. */
  String name();

  /** The length of every vector this model returns. */
  int dimensions();

  /**
   * Whether every vector comes L2-normalized (unit length), so that the dot product of two is their
   * cosine similarity.
   */
  boolean normalized();

  /**
   * One vector per text, in the order of {@code texts}; an empty list gives an empty array. The
   * texts are embedded as one batch, or as batches the implementation chooses: callers that want to
   * bound the work of one call split the list themselves, as {@link EmbeddingService} does.
   *
   * @throws NullPointerException if {@code texts} or one of its texts is null
   * @throws EmbeddingException if the model fails
   */
  float[][] embed(List<String> texts);

  /** Releases what the model holds (native memory, connections); later calls fail. */
  @Override
  default void close() {}
}
