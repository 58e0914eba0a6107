package io.lakeshelf.api.catalog;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.lakeshelf.content.Similarity;
import io.lakeshelf.content.VectorSpec;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.media.Schema.RequiredMode;

/**
 * A named vector as a collection definition stores it.
 *
 * @param embed the embedding model that fills the vector from the document's text when a client
 *     sends none, and embeds {@code text} queries; null when clients always send vectors
 * @param quantization how the index stores the vector: {@code none} (null), {@code int8}, {@code
 *     int4} or {@code bbq}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record VectorDefinition(
    @Schema(requiredMode = RequiredMode.REQUIRED) String column,
    @Schema(requiredMode = RequiredMode.REQUIRED) int dimensions,
    @Schema(
            requiredMode = RequiredMode.REQUIRED,
            allowableValues = {"cosine", "dot", "l2"})
        String similarity,
    String embed,
    @Schema(
            description = "absent for none",
            allowableValues = {"int8", "int4", "bbq"})
        String quantization) {

  public VectorSpec toSpec(String name) {
    return new VectorSpec(name, column, dimensions, Similarity.fromWireName(similarity));
  }

  public static VectorDefinition of(VectorSpec spec) {
    return of(spec, null, null);
  }

  public static VectorDefinition of(VectorSpec spec, String embed, String quantization) {
    return new VectorDefinition(
        spec.column(),
        spec.dimensions(),
        spec.similarity().wireName(),
        embed,
        quantization == null || quantization.equals("none") ? null : quantization);
  }
}
