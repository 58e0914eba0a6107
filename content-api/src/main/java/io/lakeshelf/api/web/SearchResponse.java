package io.lakeshelf.api.web;

import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.media.Schema.RequiredMode;
import java.util.List;
import java.util.Map;

/** Answer of a search: the hits, best first, as the table holds them at {@code tableVersion}. */
public record SearchResponse(
    @Schema(requiredMode = RequiredMode.REQUIRED, description = "best first") List<Hit> hits,
    @Schema(requiredMode = RequiredMode.REQUIRED) long tableVersion,
    @Schema(requiredMode = RequiredMode.REQUIRED) long tookMs) {

  /** One hit: the row's id, its score and the requested parts of the row. */
  public record Hit(
      @Schema(requiredMode = RequiredMode.REQUIRED) String id,
      @Schema(
              requiredMode = RequiredMode.REQUIRED,
              description = "higher is closer, in the mode's score")
          float score,
      @Schema(
              requiredMode = RequiredMode.REQUIRED,
              description =
                  "the parts of the row asked for (`include`): title, text, images, metadata,"
                      + " vectors")
          Map<String, Object> document) {}
}
