package io.lakeshelf.api.web;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.lakeshelf.api.catalog.CollectionStatus;
import io.lakeshelf.api.catalog.IndexSource;
import io.lakeshelf.api.catalog.ServedCollection;
import io.lakeshelf.api.catalog.VectorDefinition;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.media.Schema.RequiredMode;
import java.util.List;
import java.util.Map;

/** A collection as {@code GET /v1/collections/{name}} shows it ({@code columns}: external only). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CollectionView(
    @Schema(requiredMode = RequiredMode.REQUIRED) String name,
    @Schema(
            requiredMode = RequiredMode.REQUIRED,
            allowableValues = {"managed", "external"})
        String mode,
    @Schema(requiredMode = RequiredMode.REQUIRED) String table,
    @Schema(description = "external collections: the table's column for each role")
        Map<String, String> columns,
    @Schema(requiredMode = RequiredMode.REQUIRED) long tableVersion,
    @Schema(requiredMode = RequiredMode.REQUIRED) long indexedVersion,
    @Schema(requiredMode = RequiredMode.REQUIRED) long documents,
    @Schema(requiredMode = RequiredMode.REQUIRED) long skippedRows,
    @Schema(requiredMode = RequiredMode.REQUIRED) CollectionStatus status,
    @Schema(description = "why the collection failed, when it did") String error,
    @Schema(requiredMode = RequiredMode.REQUIRED) Map<String, VectorDefinition> vectors,
    List<String> filterable,
    @Schema(
            requiredMode = RequiredMode.REQUIRED,
            allowableValues = {"standard", "english"})
        String analyzer,
    @Schema(
            requiredMode = RequiredMode.REQUIRED,
            description =
                "where the serving index came from: built here from the table (kind build), or"
                    + " downloaded as a snapshot of the table version given (kind snapshot), and"
                    + " caught up by sync since")
        IndexSource indexSource) {

  static CollectionView of(ServedCollection c) {
    return new CollectionView(
        c.name(),
        c.definition().mode().wireName(),
        c.definition().table(),
        c.definition().columns().isEmpty() ? null : c.definition().columns(),
        c.tableVersion().value(),
        c.indexedVersion().value(),
        c.documents(),
        c.skippedRows(),
        c.status(),
        c.failure(),
        c.definition().vectors(),
        c.definition().filterable(),
        c.definition().analyzer() == null ? "standard" : c.definition().analyzer(),
        c.indexSource());
  }
}
