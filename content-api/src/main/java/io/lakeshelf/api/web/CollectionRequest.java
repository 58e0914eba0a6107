package io.lakeshelf.api.web;

import java.util.List;
import java.util.Map;

/** Body of {@code PUT /v1/collections/{name}}. */
public record CollectionRequest(
    String table,
    String mode,
    Map<String, String> columns,
    Map<String, VectorRequest> vectors,
    List<String> filterable,
    String analyzer) {

  /** One named vector of a collection request. */
  public record VectorRequest(
      String column, Integer dimensions, String similarity, String embed, String quantization) {}
}
