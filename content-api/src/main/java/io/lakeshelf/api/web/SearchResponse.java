package io.lakeshelf.api.web;

import java.util.List;
import java.util.Map;

/** Answer of a search: the hits, best first, as the table holds them at {@code tableVersion}. */
public record SearchResponse(List<Hit> hits, long tableVersion, long tookMs) {

  /** One hit: the row's id, its score and the requested parts of the row. */
  public record Hit(String id, float score, Map<String, Object> document) {}
}
