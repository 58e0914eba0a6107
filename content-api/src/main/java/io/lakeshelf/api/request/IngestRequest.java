package io.lakeshelf.api.request;

import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;

/** Body of {@code POST /v1/collections/{name}/documents}. */
public record IngestRequest(
    @ArraySchema(
            arraySchema =
                @Schema(
                    requiredMode = Schema.RequiredMode.REQUIRED,
                    description =
                        "the batch, upserted by id in one commit; at most"
                            + " lakeshelf.limits.max-documents"),
            minItems = 1)
        List<DocumentInput> documents) {}
