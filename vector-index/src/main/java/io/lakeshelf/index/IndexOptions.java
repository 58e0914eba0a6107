package io.lakeshelf.index;

import java.util.List;
import java.util.Objects;

/**
 * How an index is built beyond its vector: the vector's quantization, how title and text are
 * analyzed for keyword search, and which fields filters may use. Part of the {@link IndexManifest}:
 * an index built with other options is rebuilt.
 *
 * @param filterable field names filters may use: top-level scalar columns, partition columns, and
 *     {@code metadata.<key>} for keys of the metadata map
 */
public record IndexOptions(
    Quantization quantization, TextAnalysis analysis, List<String> filterable) {

  public static final IndexOptions DEFAULT =
      new IndexOptions(Quantization.NONE, TextAnalysis.STANDARD, List.of());

  public IndexOptions {
    Objects.requireNonNull(quantization, "quantization");
    Objects.requireNonNull(analysis, "analysis");
    filterable = filterable == null ? List.of() : List.copyOf(filterable);
  }
}
