package io.lakeshelf.api.request;

import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;
import tools.jackson.databind.JsonNode;

/** Body of {@code POST /v1/collections/{name}/search}. */
@Schema(description = "A search: `vector` or `text` (or both, for hybrid), optionally filtered.")
public record SearchRequest(
    @Schema(description = "the query vector, of the `using` vector's dimensions; or send `text`")
        float[] vector,
    @Schema(
            description =
                "the query text: embedded with the `using` vector's model (`embed`), and what "
                    + "`keyword` and `hybrid` search for",
            maxLength = 1_000_000)
        String text,
    @Schema(description = "which named vector to search; default: the only one") String using,
    @Schema(
            description = "how many hits, at most lakeshelf.limits.max-k",
            minimum = "1",
            maximum = "1000",
            defaultValue = "10")
        Integer k,
    @Schema(ref = "#/components/schemas/Filter", description = "only rows that match")
        JsonNode filter,
    @Schema(description = "the lowest score a hit may have (in the mode's score)") Float minScore,
    @Schema(
            description =
                "vector: nearest vectors; keyword: BM25 over title and text; hybrid: reciprocal "
                    + "rank fusion of both",
            allowableValues = {"vector", "keyword", "hybrid"},
            defaultValue = "vector")
        String mode,
    @ArraySchema(
            arraySchema =
                @Schema(
                    description =
                        "the parts of each row to return; default (absent or null): all but"
                            + " vectors; an empty list: none, ids and scores only. Besides the"
                            + " parts, any column of the table by name: its values come under"
                            + " `document.columns`"),
            schema =
                @Schema(
                    description =
                        "a part (title, text, images, metadata, vectors) or a column name",
                    examples = {"text", "metadata", "published_at"}))
        List<String> include,
    @Schema(description = "search the table as of this older version", minimum = "0")
        Long asOfVersion) {}
