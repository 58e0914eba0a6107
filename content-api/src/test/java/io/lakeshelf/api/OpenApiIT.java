package io.lakeshelf.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakeshelf.api.RunningService.Answer;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The served OpenAPI description equals the committed copy, {@code src/docs/openapi.json}, so that
 * every API change shows in review. After an intended change, regenerate the copy with {@code
 * ./mvnw install -DskipTests && ./mvnw verify -pl content-api -Dit.test=OpenApiIT
 * -Dlakeshelf.openapi.update=true} (twice when the change alters the client generated from the
 * copy: the first run generates it from the old copy). The copy is valid OpenAPI 3.1 as a standard
 * parser (swagger-parser) reads it, every {@code $ref} in it resolves, and the filter language and
 * the problem body are schemas a generated client can use.
 */
class OpenApiIT {

  static final JsonMapper CANONICAL =
      JsonMapper.builder()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
          .build();

  @TempDir Path dataDir;

  static Path committedCopy() {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isDirectory(p.resolve("src/docs")) && Files.exists(p.resolve("mvnw"))) {
        return p.resolve("src/docs/openapi.json");
      }
    }
    throw new IllegalStateException("no project root above " + Path.of("").toAbsolutePath());
  }

  static String canonical(String json) {
    JsonNode tree = CANONICAL.readTree(json);
    return CANONICAL.writeValueAsString(CANONICAL.treeToValue(tree, Object.class)) + "\n";
  }

  @Test
  void servedDescriptionEqualsTheCommittedCopy() throws Exception {
    try (RunningService s = RunningService.start(dataDir)) {
      Answer docs = s.get("/v3/api-docs");
      assertThat(docs.status()).isEqualTo(200);
      String served = canonical(docs.body());
      Path copy = committedCopy();
      if (Boolean.getBoolean("lakeshelf.openapi.update")) {
        Files.writeString(copy, served);
      }
      assertThat(served)
          .as(
              "the served /v3/api-docs differs from %s: review the API change, then regenerate the"
                  + " copy with -Dlakeshelf.openapi.update=true",
              copy)
          .isEqualTo(Files.readString(copy));
      assertThat(s.get("/swagger-ui/index.html").status()).isEqualTo(200);
    }
  }

  @Test
  void everyOperationDescribesItsProblemsAndEveryCodeAppears() throws Exception {
    JsonNode api = CANONICAL.readTree(Files.readString(committedCopy()));
    java.util.Set<String> codes = new java.util.TreeSet<>();
    api.get("paths")
        .properties()
        .forEach(
            path ->
                path.getValue()
                    .properties()
                    .forEach(
                        op -> {
                          JsonNode responses = op.getValue().get("responses");
                          assertThat(responses.has("401"))
                              .as(path.getKey() + " " + op.getKey())
                              .isTrue();
                          responses
                              .properties()
                              .forEach(
                                  r -> {
                                    JsonNode problem =
                                        r.getValue()
                                            .path("content")
                                            .path("application/problem+json")
                                            .path("examples");
                                    problem.properties().forEach(e -> codes.add(e.getKey()));
                                  });
                        }));
    java.util.Set<String> expected = new java.util.TreeSet<>();
    for (io.lakeshelf.api.error.ErrorCode c : io.lakeshelf.api.error.ErrorCode.values()) {
      expected.add(c.name());
    }
    // Codes answered outside /v1 operations: unknown paths, media types nobody can produce.
    expected.removeAll(java.util.Set.of("NOT_FOUND", "NOT_ACCEPTABLE"));
    assertThat(codes).containsAll(expected);
  }

  @Test
  void theCommittedCopyIsValidOpenApi31() throws Exception {
    String json = Files.readString(committedCopy());
    ParseOptions options = new ParseOptions();
    options.setResolve(true);
    options.setValidateInternalRefs(true);
    SwaggerParseResult result = new OpenAPIV3Parser().readContents(json, null, options);
    assertThat(result.getMessages())
        .as("swagger-parser's messages on %s", committedCopy())
        .isEmpty();
    assertThat(result.getOpenAPI().getOpenapi()).startsWith("3.1.");

    JsonNode api = CANONICAL.readTree(json);
    java.util.List<String> broken = new java.util.ArrayList<>();
    refs(api, "", broken, api);
    assertThat(broken).as("$refs that point at nothing").isEmpty();

    JsonNode schemas = api.path("components").path("schemas");
    assertThat(schemas.has("JsonNode"))
        .as("no Jackson JsonNode internals in the contract")
        .isFalse();
    assertThat(
            schemas.path("SearchRequest").path("properties").path("filter").path("$ref").asString())
        .isEqualTo("#/components/schemas/Filter");
    assertThat(
            schemas.path("DeleteRequest").path("properties").path("filter").path("$ref").asString())
        .isEqualTo("#/components/schemas/Filter");
    assertThat(schemas.path("Filter").path("oneOf")).hasSize(4);
    assertThat(schemas.path("Problem").path("properties").propertyNames())
        .contains("type", "title", "status", "detail", "instance", "code", "errors");
    assertThat(
            schemas.path("SearchRequest").path("properties").path("mode").path("enum").toString())
        .isEqualTo("[\"vector\",\"keyword\",\"hybrid\"]");
    assertThat(
            schemas
                .path("VectorRequest")
                .path("properties")
                .path("similarity")
                .path("enum")
                .toString())
        .isEqualTo("[\"cosine\",\"dot\",\"l2\"]");
    assertThat(
            schemas
                .path("VectorRequest")
                .path("properties")
                .path("quantization")
                .path("enum")
                .toString())
        .isEqualTo("[\"none\",\"int8\",\"int4\",\"bbq\"]");
    assertThat(schemas.path("CollectionRequest").path("required").toString())
        .isEqualTo("[\"vectors\"]");
    assertThat(schemas.path("DocumentInput").path("required").toString()).isEqualTo("[\"id\"]");
    String server = api.path("servers").path(0).path("url").asString();
    assertThat(server).as("a server URL a generated client can call").startsWith("http");
  }

  /** Collects the {@code $ref}s under {@code node} that do not resolve in {@code root}. */
  private static void refs(JsonNode node, String at, java.util.List<String> broken, JsonNode root) {
    if (node.isObject()) {
      JsonNode ref = node.get("$ref");
      if (ref != null && ref.isString()) {
        String target = ref.asString();
        if (!target.startsWith("#/") || root.at(target.substring(1)).isMissingNode()) {
          broken.add(at + ": " + target);
        }
      }
      node.properties().forEach(e -> refs(e.getValue(), at + "/" + e.getKey(), broken, root));
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        refs(node.get(i), at + "/" + i, broken, root);
      }
    }
  }
}
