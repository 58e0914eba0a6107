package io.lakeshelf.api.request;

import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;
import tools.jackson.databind.JsonNode;

/** Body of {@code POST /v1/collections/{name}/documents/delete}: ids, a filter, or all. */
@Schema(description = "What to delete: `ids`, `filter` or `all`, one of them.")
public record DeleteRequest(
    @ArraySchema(
            arraySchema = @Schema(description = "the ids, at most lakeshelf.limits.max-documents"),
            minItems = 1,
            schema = @Schema(minLength = 1))
        List<String> ids,
    @Schema(
            ref = "#/components/schemas/Filter",
            description = "delete the rows that match (at most lakeshelf.limits.max-documents)")
        JsonNode filter,
    @Schema(
            description =
                "true: delete every document, in one commit that removes every data file (no"
                    + " limit)")
        Boolean all) {

  /** Ids or a filter, as before {@code all}. */
  public DeleteRequest(List<String> ids, JsonNode filter) {
    this(ids, filter, null);
  }
}
