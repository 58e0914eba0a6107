package io.lakeshelf.api.web;

import io.lakeshelf.api.catalog.CollectionStatus;
import io.lakeshelf.api.catalog.ServedCollection;
import io.lakeshelf.api.catalog.VectorDefinition;
import java.util.List;
import java.util.Map;

/** A collection as {@code GET /v1/collections/{name}} shows it ({@code columns}: external only). */
@com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
public record CollectionView(
    String name,
    String mode,
    String table,
    Map<String, String> columns,
    long tableVersion,
    long indexedVersion,
    long documents,
    long skippedRows,
    CollectionStatus status,
    String error,
    Map<String, VectorDefinition> vectors,
    List<String> filterable,
    String analyzer) {

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
        c.definition().analyzer() == null ? "standard" : c.definition().analyzer());
  }
}
