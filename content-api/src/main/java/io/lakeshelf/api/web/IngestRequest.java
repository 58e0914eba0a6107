package io.lakeshelf.api.web;

import java.util.List;

/** Body of {@code POST /v1/collections/{name}/documents}. */
public record IngestRequest(List<DocumentInput> documents) {}
