package io.lakeshelf.api.web;

import io.lakeshelf.api.error.ErrorCode;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.examples.Example;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.info.License;
import io.swagger.v3.oas.models.media.ArraySchema;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import io.swagger.v3.oas.models.servers.Server;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The OpenAPI description served at {@code /v3/api-docs}: generated from the controllers, with
 * each operation's problem answers (every code it can answer, as {@code application/problem+json})
 * and request examples added here. A committed copy ({@code src/docs/openapi.json}) is compared
 * with the served one in the tests, so API changes show in review.
 */
@Configuration(proxyBeanMethods = false)
public class OpenApiDescription {

  /** The problem codes each operation answers besides the ones every operation can. */
  static final Map<String, List<ErrorCode>> PROBLEMS = Map.ofEntries(
      Map.entry("listCollections", List.of()),
      Map.entry("getCollection", List.of(ErrorCode.COLLECTION_NOT_FOUND)),
      Map.entry("putCollection", List.of(ErrorCode.INVALID_REQUEST, ErrorCode.FIELD_NOT_FILTERABLE,
          ErrorCode.REINDEX_REQUIRED, ErrorCode.TABLE_UNREADABLE, ErrorCode.PAYLOAD_TOO_LARGE,
          ErrorCode.UNSUPPORTED_MEDIA_TYPE, ErrorCode.STORAGE_UNAVAILABLE, ErrorCode.STORAGE_FULL,
          ErrorCode.SHUTTING_DOWN)),
      Map.entry("deleteCollection", List.of(ErrorCode.COLLECTION_NOT_FOUND, ErrorCode.INVALID_REQUEST,
          ErrorCode.REINDEX_IN_PROGRESS)),
      Map.entry("upsertDocuments", List.of(ErrorCode.INVALID_REQUEST, ErrorCode.DIMENSION_MISMATCH,
          ErrorCode.PAYLOAD_TOO_LARGE, ErrorCode.COLLECTION_NOT_FOUND, ErrorCode.COLLECTION_READ_ONLY,
          ErrorCode.WRITE_CONFLICT, ErrorCode.REINDEX_IN_PROGRESS, ErrorCode.UNSUPPORTED_MEDIA_TYPE,
          ErrorCode.OVERLOADED, ErrorCode.SHUTTING_DOWN, ErrorCode.STORAGE_UNAVAILABLE, ErrorCode.STORAGE_FULL)),
      Map.entry("getDocument", List.of(ErrorCode.INVALID_REQUEST, ErrorCode.COLLECTION_NOT_FOUND, ErrorCode.DOCUMENT_NOT_FOUND,
          ErrorCode.STORAGE_UNAVAILABLE)),
      Map.entry("getImage", List.of(ErrorCode.INVALID_REQUEST, ErrorCode.COLLECTION_NOT_FOUND, ErrorCode.DOCUMENT_NOT_FOUND,
          ErrorCode.IMAGE_NOT_FOUND, ErrorCode.IMAGE_MISMATCH, ErrorCode.PAYLOAD_TOO_LARGE,
          ErrorCode.STORAGE_UNAVAILABLE)),
      Map.entry("deleteDocument", List.of(ErrorCode.INVALID_REQUEST, ErrorCode.COLLECTION_NOT_FOUND, ErrorCode.DOCUMENT_NOT_FOUND,
          ErrorCode.COLLECTION_READ_ONLY, ErrorCode.WRITE_CONFLICT, ErrorCode.REINDEX_IN_PROGRESS,
          ErrorCode.OVERLOADED, ErrorCode.STORAGE_UNAVAILABLE, ErrorCode.STORAGE_FULL)),
      Map.entry("deleteDocuments", List.of(ErrorCode.INVALID_REQUEST, ErrorCode.INVALID_FILTER,
          ErrorCode.FIELD_NOT_FILTERABLE, ErrorCode.STORAGE_UNAVAILABLE, ErrorCode.STORAGE_FULL,
          ErrorCode.PAYLOAD_TOO_LARGE, ErrorCode.COLLECTION_NOT_FOUND, ErrorCode.COLLECTION_READ_ONLY,
          ErrorCode.WRITE_CONFLICT, ErrorCode.REINDEX_IN_PROGRESS, ErrorCode.UNSUPPORTED_MEDIA_TYPE,
          ErrorCode.OVERLOADED, ErrorCode.STORAGE_FULL)),
      Map.entry("search", List.of(ErrorCode.INVALID_REQUEST, ErrorCode.DIMENSION_MISMATCH,
          ErrorCode.INVALID_FILTER, ErrorCode.FIELD_NOT_FILTERABLE, ErrorCode.COLLECTION_NOT_FOUND,
          ErrorCode.VERSION_NOT_AVAILABLE, ErrorCode.VERSION_TOO_LARGE, ErrorCode.REINDEX_IN_PROGRESS,
          ErrorCode.TABLE_UNREADABLE,
          ErrorCode.PAYLOAD_TOO_LARGE, ErrorCode.UNSUPPORTED_MEDIA_TYPE, ErrorCode.OVERLOADED,
          ErrorCode.SHUTTING_DOWN, ErrorCode.STORAGE_UNAVAILABLE)),
      Map.entry("reindexCollection", List.of(ErrorCode.COLLECTION_NOT_FOUND, ErrorCode.REINDEX_IN_PROGRESS)),
      Map.entry("listJobs", List.of()),
      Map.entry("getJob", List.of(ErrorCode.JOB_NOT_FOUND)),
      Map.entry("cancelJob", List.of(ErrorCode.JOB_NOT_FOUND)));

  /**
   * Codes any operation can answer: a malformed request (query string, path, headers), no or a
   * weak key, a wrong method, a bug.
   */
  static final List<ErrorCode> EVERY_OPERATION = List.of(
      ErrorCode.INVALID_REQUEST, ErrorCode.UNAUTHORIZED, ErrorCode.FORBIDDEN, ErrorCode.METHOD_NOT_ALLOWED,
      ErrorCode.INTERNAL_ERROR);

  static final Map<String, String> REQUEST_EXAMPLES = Map.of(
      "putCollection", """
          {"vectors": {"body": {"dimensions": 384, "similarity": "cosine"}}}""",
      "upsertDocuments", """
          {"documents": [{"id": "doc-1", "title": "Lakes", "text": "Lakes hold water.",
            "images": [{"uri": "s3://bucket/img/1.png", "contentType": "image/png", "sizeBytes": 48213,
                        "checksum": "9f86d0", "checksumAlgorithm": "SHA-256"}],
            "vectors": {"body": [0.12, 0.03, 0.98]}, "metadata": {"lang": "en"}}]}""",
      "search", """
          {"vector": [0.1, 0.2, 0.3], "k": 10, "minScore": 0.2, "include": ["title", "text", "images"]}""",
      "deleteDocuments", """
          {"ids": ["doc-1", "doc-2"]}""");

  @Bean
  OpenAPI lakeshelfOpenApi() {
    return new OpenAPI()
        .info(new Info()
            .title("Lakeshelf")
            .version("v1")
            .description("Vector search served in place over Delta Lake tables. Every error is "
                + "application/problem+json with a stable `code`.")
            .license(new License().name("Apache-2.0")))
        .servers(List.of(new Server().url("/")))
        .components(new Components()
            .addSchemas("Problem", problemSchema())
            .addSecuritySchemes("apiKey", new SecurityScheme()
                .type(SecurityScheme.Type.HTTP).scheme("bearer")
                .description("An API key, when lakeshelf.security.api-keys is set")))
        .addSecurityItem(new SecurityRequirement().addList("apiKey"));
  }

  private static Schema<?> problemSchema() {
    StringSchema code = new StringSchema();
    code.setEnum(Arrays.stream(ErrorCode.values()).map(Enum::name).toList());
    ObjectSchema fieldError = new ObjectSchema();
    fieldError.addProperty("index", new IntegerSchema());
    fieldError.addProperty("id", new StringSchema());
    fieldError.addProperty("field", new StringSchema());
    fieldError.addProperty("reason", new StringSchema());
    ObjectSchema problem = new ObjectSchema();
    problem.description("RFC 9457 problem details with Lakeshelf's stable code");
    problem.addProperty("type", new StringSchema());
    problem.addProperty("title", new StringSchema());
    problem.addProperty("status", new IntegerSchema());
    problem.addProperty("detail", new StringSchema());
    problem.addProperty("instance", new StringSchema());
    problem.addProperty("code", code);
    problem.addProperty("errors", new ArraySchema().items(fieldError)
        .description("ingest only: one entry per problem in the batch"));
    problem.setRequired(List.of("type", "title", "status", "detail", "code"));
    return problem;
  }

  @Bean
  OpenApiCustomizer lakeshelfProblems() {
    return api -> {
      if (api.getPaths() == null) {
        return;
      }
      api.getPaths().values().forEach(path -> path.readOperations().forEach(op -> {
        java.util.Set<ErrorCode> unique = new java.util.LinkedHashSet<>(PROBLEMS.getOrDefault(op.getOperationId(), List.of()));
        unique.addAll(EVERY_OPERATION);
        List<ErrorCode> codes = new ArrayList<>(unique);
        addProblems(op, codes);
        String example = REQUEST_EXAMPLES.get(op.getOperationId());
        if (example != null && op.getRequestBody() != null && op.getRequestBody().getContent() != null) {
          Object parsed = parse(example);
          op.getRequestBody().getContent().values().forEach(media -> media.setExample(parsed));
        }
      }));
    };
  }

  private static Object parse(String json) {
    try {
      return io.swagger.v3.core.util.Json.mapper().readTree(json);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("bad example " + json, e);
    }
  }

  private static void addProblems(Operation op, List<ErrorCode> codes) {
    Map<Integer, List<ErrorCode>> byStatus = new TreeMap<>();
    for (ErrorCode c : codes) {
      byStatus.computeIfAbsent(c.status().value(), s -> new ArrayList<>()).add(c);
    }
    byStatus.forEach((status, list) -> {
      Map<String, Example> examples = new LinkedHashMap<>();
      for (ErrorCode c : list) {
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("type", c.typeUri());
        value.put("title", c.status().getReasonPhrase());
        value.put("status", status);
        value.put("detail", "…");
        value.put("code", c.name());
        examples.put(c.name(), new Example().value(value));
      }
      MediaType media = new MediaType().schema(new Schema<>().$ref("#/components/schemas/Problem")).examples(examples);
      op.getResponses().addApiResponse(Integer.toString(status), new ApiResponse()
          .description(String.join(", ", list.stream().map(Enum::name).toList()))
          .content(new Content().addMediaType("application/problem+json", media)));
    });
  }
}
