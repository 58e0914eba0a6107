package io.lakeshelf.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakeshelf.api.RunningService.Answer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.cfg.EnumFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The served OpenAPI description equals the committed copy, {@code src/docs/openapi.json}, so
 * that every API change shows in review. After an intended change, regenerate the copy with
 * {@code ./mvnw install -DskipTests && ./mvnw verify -pl content-api -Dit.test=OpenApiIT -Dlakeshelf.openapi.update=true}.
 */
class OpenApiIT {

  static final JsonMapper CANONICAL = JsonMapper.builder()
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
          .as("the served /v3/api-docs differs from %s: review the API change, then regenerate the copy "
              + "with -Dlakeshelf.openapi.update=true", copy)
          .isEqualTo(Files.readString(copy));
      assertThat(s.get("/swagger-ui/index.html").status()).isEqualTo(200);
    }
  }

  @Test
  void everyOperationDescribesItsProblemsAndEveryCodeAppears() throws Exception {
    JsonNode api = CANONICAL.readTree(Files.readString(committedCopy()));
    java.util.Set<String> codes = new java.util.TreeSet<>();
    api.get("paths").properties().forEach(path -> path.getValue().properties().forEach(op -> {
      JsonNode responses = op.getValue().get("responses");
      assertThat(responses.has("401")).as(path.getKey() + " " + op.getKey()).isTrue();
      responses.properties().forEach(r -> {
        JsonNode problem = r.getValue().path("content").path("application/problem+json").path("examples");
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
}
