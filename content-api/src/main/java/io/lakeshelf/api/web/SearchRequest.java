package io.lakeshelf.api.web;

import java.util.List;
import tools.jackson.databind.JsonNode;

/** Body of {@code POST /v1/collections/{name}/search}. */
public record SearchRequest(
    float[] vector,
    String text,
    String using,
    Integer k,
    JsonNode filter,
    Float minScore,
    String mode,
    List<String> include,
    Long asOfVersion) {}
