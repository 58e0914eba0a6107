package io.lakeshelf.api.request;

import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;
import java.util.Map;

/** Body of {@code PUT /v1/collections/{name}}. */
public record CollectionRequest(
    @Schema(
            description =
                "the Delta table: an absolute path, a file: URI or s3://bucket/key; optional for "
                    + "managed collections, required for external ones")
        String table,
    @Schema(
            description =
                "managed: Lakeshelf writes the table; external: another writer does, Lakeshelf"
                    + " reads it",
            allowableValues = {"managed", "external"},
            defaultValue = "managed")
        String mode,
    @Schema(description = "external collections: the table's column for each role (id required)")
        Map<String, String> columns,
    @Schema(
            requiredMode = Schema.RequiredMode.REQUIRED,
            minProperties = 1,
            description = "the named vectors, at least one")
        Map<String, VectorRequest> vectors,
    @Schema(description = "the fields filters may name: columns, or metadata.<key>")
        List<String> filterable,
    @Schema(
            description = "the text analysis of keyword search",
            allowableValues = {"standard", "english"},
            defaultValue = "standard")
        String analyzer) {

  /** One named vector of a collection request. */
  public record VectorRequest(
      @Schema(
              description =
                  "the table's column of the vector; default <name>_embedding (required for"
                      + " external collections)")
          String column,
      @Schema(
              description = "the vector's length; may be left out with `embed` (the model's)",
              minimum = "1",
              maximum = "4096")
          Integer dimensions,
      @Schema(
              allowableValues = {"cosine", "dot", "l2"},
              defaultValue = "cosine")
          String similarity,
      @Schema(
              description =
                  "an embedding model that fills the vector from the document's text and embeds "
                      + "`text` queries",
              example = "all-minilm-l6-v2")
          String embed,
      @Schema(
              description = "how the index stores the vector",
              allowableValues = {"none", "int8", "int4", "bbq"},
              defaultValue = "none")
          String quantization) {}
}
