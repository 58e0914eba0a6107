package io.lakeshelf.api.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.lakeshelf.api.catalog.CollectionDefinition;
import io.lakeshelf.api.error.ErrorCode;
import io.lakeshelf.api.request.FilterParser;
import io.swagger.v3.core.util.Json;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.examples.Example;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.info.License;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.JsonSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import io.swagger.v3.oas.models.servers.Server;
import io.swagger.v3.oas.models.servers.ServerVariable;
import io.swagger.v3.oas.models.servers.ServerVariables;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The OpenAPI description served at {@code /v3/api-docs}: generated from the controllers, with each
 * operation's problem answers (every code it can answer, as {@code application/problem+json}) and
 * request examples added here. A committed copy ({@code src/docs/openapi.json}) is compared with
 * the served one in the tests, so API changes show in review.
 */
@Configuration(proxyBeanMethods = false)
public class OpenApiDescription {

  /** The problem codes each operation answers besides the ones every operation can. */
  static final Map<String, List<ErrorCode>> PROBLEMS =
      Map.ofEntries(
          Map.entry("listCollections", List.of()),
          Map.entry("getCollection", List.of(ErrorCode.COLLECTION_NOT_FOUND)),
          Map.entry(
              "putCollection",
              List.of(
                  ErrorCode.INVALID_REQUEST,
                  ErrorCode.FIELD_NOT_FILTERABLE,
                  ErrorCode.REINDEX_REQUIRED,
                  ErrorCode.TABLE_UNREADABLE,
                  ErrorCode.PAYLOAD_TOO_LARGE,
                  ErrorCode.UNSUPPORTED_MEDIA_TYPE,
                  ErrorCode.STORAGE_UNAVAILABLE,
                  ErrorCode.STORAGE_FULL,
                  ErrorCode.SHUTTING_DOWN)),
          Map.entry(
              "deleteCollection",
              List.of(
                  ErrorCode.COLLECTION_NOT_FOUND,
                  ErrorCode.INVALID_REQUEST,
                  ErrorCode.REINDEX_IN_PROGRESS)),
          Map.entry(
              "upsertDocuments",
              List.of(
                  ErrorCode.INVALID_REQUEST,
                  ErrorCode.DIMENSION_MISMATCH,
                  ErrorCode.PAYLOAD_TOO_LARGE,
                  ErrorCode.COLLECTION_NOT_FOUND,
                  ErrorCode.COLLECTION_READ_ONLY,
                  ErrorCode.WRITE_CONFLICT,
                  ErrorCode.REINDEX_IN_PROGRESS,
                  ErrorCode.UNSUPPORTED_MEDIA_TYPE,
                  ErrorCode.OVERLOADED,
                  ErrorCode.SHUTTING_DOWN,
                  ErrorCode.STORAGE_UNAVAILABLE,
                  ErrorCode.STORAGE_FULL)),
          Map.entry(
              "getDocument",
              List.of(
                  ErrorCode.INVALID_REQUEST,
                  ErrorCode.COLLECTION_NOT_FOUND,
                  ErrorCode.DOCUMENT_NOT_FOUND,
                  ErrorCode.STORAGE_UNAVAILABLE)),
          Map.entry(
              "getImage",
              List.of(
                  ErrorCode.INVALID_REQUEST,
                  ErrorCode.COLLECTION_NOT_FOUND,
                  ErrorCode.DOCUMENT_NOT_FOUND,
                  ErrorCode.IMAGE_NOT_FOUND,
                  ErrorCode.IMAGE_MISMATCH,
                  ErrorCode.PAYLOAD_TOO_LARGE,
                  ErrorCode.STORAGE_UNAVAILABLE)),
          Map.entry(
              "deleteDocument",
              List.of(
                  ErrorCode.INVALID_REQUEST,
                  ErrorCode.COLLECTION_NOT_FOUND,
                  ErrorCode.DOCUMENT_NOT_FOUND,
                  ErrorCode.COLLECTION_READ_ONLY,
                  ErrorCode.WRITE_CONFLICT,
                  ErrorCode.REINDEX_IN_PROGRESS,
                  ErrorCode.OVERLOADED,
                  ErrorCode.STORAGE_UNAVAILABLE,
                  ErrorCode.STORAGE_FULL)),
          Map.entry(
              "deleteDocuments",
              List.of(
                  ErrorCode.INVALID_REQUEST,
                  ErrorCode.INVALID_FILTER,
                  ErrorCode.FIELD_NOT_FILTERABLE,
                  ErrorCode.STORAGE_UNAVAILABLE,
                  ErrorCode.STORAGE_FULL,
                  ErrorCode.PAYLOAD_TOO_LARGE,
                  ErrorCode.COLLECTION_NOT_FOUND,
                  ErrorCode.COLLECTION_READ_ONLY,
                  ErrorCode.WRITE_CONFLICT,
                  ErrorCode.REINDEX_IN_PROGRESS,
                  ErrorCode.UNSUPPORTED_MEDIA_TYPE,
                  ErrorCode.OVERLOADED,
                  ErrorCode.STORAGE_FULL)),
          Map.entry(
              "search",
              List.of(
                  ErrorCode.INVALID_REQUEST,
                  ErrorCode.DIMENSION_MISMATCH,
                  ErrorCode.INVALID_FILTER,
                  ErrorCode.FIELD_NOT_FILTERABLE,
                  ErrorCode.COLLECTION_NOT_FOUND,
                  ErrorCode.VERSION_NOT_AVAILABLE,
                  ErrorCode.VERSION_TOO_LARGE,
                  ErrorCode.REINDEX_IN_PROGRESS,
                  ErrorCode.TABLE_UNREADABLE,
                  ErrorCode.PAYLOAD_TOO_LARGE,
                  ErrorCode.UNSUPPORTED_MEDIA_TYPE,
                  ErrorCode.OVERLOADED,
                  ErrorCode.SHUTTING_DOWN,
                  ErrorCode.STORAGE_UNAVAILABLE)),
          Map.entry(
              "reindexCollection",
              List.of(ErrorCode.COLLECTION_NOT_FOUND, ErrorCode.REINDEX_IN_PROGRESS)),
          Map.entry("listJobs", List.of()),
          Map.entry("getJob", List.of(ErrorCode.JOB_NOT_FOUND)),
          Map.entry("cancelJob", List.of(ErrorCode.JOB_NOT_FOUND)));

  /**
   * Codes any operation can answer: a malformed request (query string, path, headers), no or a weak
   * key, a wrong method, a bug.
   */
  static final List<ErrorCode> EVERY_OPERATION =
      List.of(
          ErrorCode.INVALID_REQUEST,
          ErrorCode.UNAUTHORIZED,
          ErrorCode.FORBIDDEN,
          ErrorCode.METHOD_NOT_ALLOWED,
          ErrorCode.INTERNAL_ERROR);

  static final Map<String, String> REQUEST_EXAMPLES =
      Map.of(
          "putCollection",
              """
              {"vectors": {"body": {"dimensions": 384, "similarity": "cosine"}}}\
              """,
          "upsertDocuments",
              """
              {"documents": [{"id": "doc-1", "title": "Lakes", "text": "Lakes hold water.",
                "images": [{"uri": "s3://bucket/img/1.png", "contentType": "image/png", "sizeBytes": 48213,
                            "checksum": "9f86d0", "checksumAlgorithm": "SHA-256"}],
                "vectors": {"body": [0.12, 0.03, 0.98]}, "metadata": {"lang": "en"}}]}\
              """,
          "search",
              """
              {"vector": [0.1, 0.2, 0.3], "k": 10, "minScore": 0.2, "include": ["title", "text", "images"],
               "filter": {"and": [{"field": "metadata.lang", "in": ["en", "de"]}, {"not": {"field": "metadata.lang", "eq": "fr"}}]}}\
              """,
          "deleteDocuments",
              """
              {"ids": ["doc-1", "doc-2"]}\
              """);

  @Bean
  OpenAPI lakeshelfOpenApi() {
    return new OpenAPI()
        .info(
            new Info()
                .title("Lakeshelf")
                .version("v1")
                .description(
                    "Vector search served in place over Delta Lake tables. Every error is"
                        + " application/problem+json (RFC 9457, the `Problem` schema) with a stable"
                        + " `code`.")
                .license(new License().name("Apache-2.0").identifier("Apache-2.0")))
        .servers(
            List.of(
                new Server()
                    .url("http://{host}:{port}")
                    .description(
                        "A Lakeshelf service; the defaults are the embedded service's"
                            + " (src/bin/lakeshelf)")
                    .variables(
                        new ServerVariables()
                            .addServerVariable(
                                "host",
                                new ServerVariable()
                                    ._default("localhost")
                                    .description("the service's host name or address"))
                            .addServerVariable(
                                "port",
                                new ServerVariable()
                                    ._default("8080")
                                    .description("the service's port (server.port)")))))
        .components(
            new Components()
                .addSecuritySchemes(
                    "apiKey",
                    new SecurityScheme()
                        .type(SecurityScheme.Type.HTTP)
                        .scheme("bearer")
                        .description("An API key, when lakeshelf.security.api-keys is set")))
        .addSecurityItem(new SecurityRequirement().addList("apiKey"));
  }

  /**
   * The schemas no controller method names: the problem body of every error answer, and the filter
   * language ({@link FilterParser}) that {@code SearchRequest.filter} and {@code
   * DeleteRequest.filter} refer to. A customizer adds them: springdoc drops the {@link OpenAPI}
   * bean's schemas that nothing refers to before customizers run, and the problem answers that
   * refer to {@code Problem} are added by a customizer too.
   */
  @SuppressWarnings("rawtypes")
  static Map<String, Schema> componentSchemas() {
    Map<String, Schema> schemas = new LinkedHashMap<>();
    schemas.put("Problem", problemSchema());
    schemas.put("FieldError", fieldErrorSchema());
    schemas.putAll(FilterSchemas.all());
    return schemas;
  }

  /** A JSON Schema (OpenAPI 3.1) of one type. */
  static Schema<Object> type(String... types) {
    Schema<Object> s = new JsonSchema();
    s.setTypes(new LinkedHashSet<>(List.of(types)));
    return s;
  }

  static Schema<Object> ref(String component) {
    return new JsonSchema().$ref("#/components/schemas/" + component);
  }

  private static Schema<Object> fieldErrorSchema() {
    Schema<Object> fieldError =
        type("object")
            .description(
                "One problem of a refused ingest batch: the document's position, its id, the field"
                    + " and why");
    fieldError.addProperty(
        "index",
        type("integer")
            .format("int32")
            .minimum(BigDecimal.ZERO)
            .description("the document's position in the batch, from 0"));
    fieldError.addProperty(
        "id",
        type("string", "null")
            .description("the document's id; null when it has none, or one that cannot be shown"));
    fieldError.addProperty(
        "field",
        type("string")
            .description(
                "the field at fault: id, title, text, vectors.<name>, images[<n>], metadata.<key>; "
                    + "empty for the whole document"));
    fieldError.addProperty("reason", type("string").description("what is wrong with it"));
    fieldError.setRequired(List.of("index", "field", "reason"));
    return fieldError;
  }

  private static Schema<Object> problemSchema() {
    Schema<Object> code =
        type("string")
            .description(
                "Lakeshelf's stable error code (src/docs/api-v1.md, \"Error codes\"): switch on"
                    + " this");
    code.setEnum(Arrays.stream(ErrorCode.values()).map(c -> (Object) c.name()).toList());
    Schema<Object> problem =
        type("object")
            .description(
                "RFC 9457 problem details (application/problem+json) with Lakeshelf's stable"
                    + " `code`; every error answer of the service is one");
    problem.addProperty(
        "type",
        type("string")
            .format("uri")
            .description(
                "a URI naming the problem: https://lakeshelf.io/problems/<code in kebab case>"));
    problem.addProperty("title", type("string").description("the HTTP status's reason phrase"));
    problem.addProperty(
        "status",
        type("integer")
            .format("int32")
            .minimum(BigDecimal.valueOf(400))
            .maximum(BigDecimal.valueOf(599))
            .description("the HTTP status of the answer"));
    problem.addProperty(
        "detail", type("string").description("what went wrong, for a person to read"));
    problem.addProperty(
        "instance",
        type("string")
            .format("uri-reference")
            .description("the path of the request, when it is a valid URI reference"));
    problem.addProperty("code", code);
    problem.addProperty(
        "errors",
        type("array")
            .items(ref("FieldError"))
            .description("ingest only: one entry per problem of the refused batch"));
    problem.setRequired(List.of("type", "title", "status", "code"));
    return problem;
  }

  @Bean
  OpenApiCustomizer lakeshelfProblems() {
    return api -> {
      componentSchemas().forEach(api.getComponents()::addSchemas);
      Schema<?> columns = propertySchema(api, "CollectionRequest", "columns");
      if (columns != null) {
        // Keys are column roles; values are column names of the external table.
        columns.setPropertyNames(
            type("string")
                .description("a column role")
                ._enum(new ArrayList<>(CollectionDefinition.ROLES)));
      }
      if (api.getPaths() == null) {
        return;
      }
      api.getPaths()
          .values()
          .forEach(
              path ->
                  path.readOperations()
                      .forEach(
                          op -> {
                            Set<ErrorCode> unique =
                                new LinkedHashSet<>(
                                    PROBLEMS.getOrDefault(op.getOperationId(), List.of()));
                            unique.addAll(EVERY_OPERATION);
                            List<ErrorCode> codes = new ArrayList<>(unique);
                            addProblems(op, codes);
                            String example = REQUEST_EXAMPLES.get(op.getOperationId());
                            if (example != null
                                && op.getRequestBody() != null
                                && op.getRequestBody().getContent() != null) {
                              Object parsed = parse(example);
                              op.getRequestBody()
                                  .getContent()
                                  .values()
                                  .forEach(media -> media.setExample(parsed));
                            }
                          }));
    };
  }

  private static Schema<?> propertySchema(OpenAPI api, String schema, String property) {
    Schema<?> s =
        api.getComponents().getSchemas() == null
            ? null
            : api.getComponents().getSchemas().get(schema);
    return s == null || s.getProperties() == null ? null : s.getProperties().get(property);
  }

  private static Object parse(String json) {
    try {
      return Json.mapper().readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("bad example " + json, e);
    }
  }

  private static void addProblems(Operation op, List<ErrorCode> codes) {
    Map<Integer, List<ErrorCode>> byStatus = new TreeMap<>();
    for (ErrorCode c : codes) {
      byStatus.computeIfAbsent(c.status().value(), s -> new ArrayList<>()).add(c);
    }
    byStatus.forEach(
        (status, list) -> {
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
          MediaType media = new MediaType().schema(ref("Problem")).examples(examples);
          op.getResponses()
              .addApiResponse(
                  Integer.toString(status),
                  new ApiResponse()
                      .description(String.join(", ", list.stream().map(Enum::name).toList()))
                      .content(new Content().addMediaType("application/problem+json", media)));
        });
  }
}
