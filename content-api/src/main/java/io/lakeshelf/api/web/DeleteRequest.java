package io.lakeshelf.api.web;

import java.util.List;
import tools.jackson.databind.JsonNode;

/** Body of {@code POST /v1/collections/{name}/documents/delete}: ids, or a filter. */
public record DeleteRequest(List<String> ids, JsonNode filter) {}
