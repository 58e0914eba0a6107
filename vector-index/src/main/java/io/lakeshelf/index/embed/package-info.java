/**
 * Text embedding in process: turning passages and questions into vectors, so that a collection can
 * be searched by text without its clients computing embeddings.
 *
 * <ul>
 *   <li>{@link io.lakeshelf.index.embed.TextEmbedder} is a model, and the plug-in point for other
 *       models; {@link io.lakeshelf.index.embed.MiniLmEmbedder} is the bundled one, {@code
 *       all-minilm-l6-v2} (384 dimensions, normalized, texts truncated to 256 tokens), run by ONNX
 *       Runtime from files that come in a Maven artifact: nothing is downloaded at run time.
 *   <li>{@link io.lakeshelf.index.embed.EmbeddingModels} finds a model by the name a collection
 *       definition gives ({@code "embed": "all-minilm-l6-v2"}) and loads it once, when first
 *       needed.
 *   <li>{@link io.lakeshelf.index.embed.EmbeddingService} runs embedding in batches on a bounded
 *       pool, so that many concurrent callers share a fixed number of cores and wait, or are turned
 *       away, rather than overload the machine.
 * </ul>
 */
package io.lakeshelf.index.embed;
