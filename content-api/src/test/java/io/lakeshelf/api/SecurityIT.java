package io.lakeshelf.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakeshelf.api.RunningService.Answer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * API keys over real HTTP: each endpoint with no key, a wrong key, a malformed header, each role.
 */
class SecurityIT {

  static final String READ = "reader-7d1f0a9b", WRITE = "writer-2c8e5f11", ADMIN = "admin-93b6d4e2";
  static final String METRICS = "scraper-5a0c77e3";

  @TempDir static Path dataDir;
  static RunningService service;

  static String sha256(String key) throws Exception {
    return "sha256:"
        + HexFormat.of()
            .formatHex(
                MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
  }

  @BeforeAll
  static void start() throws Exception {
    service =
        RunningService.start(
            dataDir,
            "--lakeshelf.security.api-keys[0].name=pipeline",
            "--lakeshelf.security.api-keys[0].hash=" + sha256(READ),
            "--lakeshelf.security.api-keys[0].roles=read",
            "--lakeshelf.security.api-keys[1].name=loader",
            "--lakeshelf.security.api-keys[1].hash=" + sha256(WRITE),
            "--lakeshelf.security.api-keys[1].roles=write",
            "--lakeshelf.security.api-keys[2].name=ops",
            "--lakeshelf.security.api-keys[2].hash="
                + sha256(ADMIN).toUpperCase().replace("SHA256", "sha256"),
            "--lakeshelf.security.api-keys[2].roles=admin",
            "--lakeshelf.security.api-keys[3].name=prometheus",
            "--lakeshelf.security.api-keys[3].hash=" + sha256(METRICS),
            "--lakeshelf.security.api-keys[3].roles=metrics");
    assertThat(as(ADMIN, "PUT", "/v1/collections/articles", LakeshelfServiceIT.COLLECTION).status())
        .isEqualTo(201);
    assertThat(
            as(WRITE, "POST", "/v1/collections/articles/documents", LakeshelfServiceIT.THREE_DOCS)
                .status())
        .isEqualTo(200);
  }

  @AfterAll
  static void stop() {
    service.close();
  }

  static Answer as(String key, String method, String path, String body) throws Exception {
    Map<String, String> headers = key == null ? Map.of() : Map.of("Authorization", key);
    return service.send(
        method,
        path,
        body,
        "application/json",
        headers.isEmpty()
            ? Map.of()
            : Map.of("Authorization", key.contains(" ") ? key : "Bearer " + key));
  }

  static Stream<Arguments> endpoints() {
    String q = "{\"vector\": [1, 0, 0]}";
    String doc = "{\"documents\": [{\"id\": \"doc-9\", \"vectors\": {\"body\": [0, 1, 1]}}]}";
    return Stream.of(
        Arguments.of("GET", "/v1/collections", null, "read"),
        Arguments.of("GET", "/v1/collections/articles", null, "read"),
        Arguments.of("POST", "/v1/collections/articles/search", q, "read"),
        Arguments.of("GET", "/v1/collections/articles/documents/doc-1", null, "read"),
        Arguments.of("POST", "/v1/collections/articles/documents", doc, "write"),
        Arguments.of("DELETE", "/v1/collections/articles/documents/doc-404", null, "write"),
        Arguments.of(
            "POST",
            "/v1/collections/articles/documents/delete",
            "{\"ids\": [\"doc-404\"]}",
            "write"),
        Arguments.of("PUT", "/v1/collections/articles", LakeshelfServiceIT.COLLECTION, "admin"),
        Arguments.of("DELETE", "/v1/collections/ghost", null, "admin"),
        Arguments.of("POST", "/v1/admin/collections/articles/reindex", null, "admin"),
        Arguments.of("GET", "/v1/admin/jobs", null, "admin"),
        Arguments.of("GET", "/actuator/metrics", null, "metrics"),
        Arguments.of("GET", "/actuator/prometheus", null, "metrics"),
        Arguments.of("GET", "/actuator/info", null, "admin"));
  }

  @ParameterizedTest(name = "{0} {1} needs {3}")
  @MethodSource("endpoints")
  void eachEndpointNeedsItsRole(String method, String path, String body, String role)
      throws Exception {
    for (String bad :
        new String[] {null, "not-a-key", "Basic cmVhZGVyOnB3", "Bearer ", "Bearer " + READ + "x"}) {
      Answer a = as(bad, method, path, body);
      assertThat(a.status()).as("%s with %s", path, bad).isEqualTo(401);
      assertThat(a.contentType()).startsWith("application/problem+json");
      assertThat(a.json().get("code").asString()).isEqualTo("UNAUTHORIZED");
    }
    int rank =
        switch (role) {
          case "read" -> 0;
          case "write" -> 1;
          default -> 2;
        };
    String[] keys = {READ, WRITE, ADMIN};
    for (int i = 0; i < keys.length; i++) {
      Answer a = as(keys[i], method, path, body);
      if (i < rank) {
        assertThat(a.status()).as("%s %s with a %d-rank key", method, path, i).isEqualTo(403);
        assertThat(a.json().get("code").asString()).isEqualTo("FORBIDDEN");
      } else {
        assertThat(a.status())
            .as("%s %s with a %d-rank key: %s", method, path, i, a.body())
            .isNotIn(401, 403);
      }
    }
  }

  @Test
  void healthAnswersWithoutAKeyButShowsDetailsOnlyToAdmins() throws Exception {
    Answer anonymous = as(null, "GET", "/actuator/health", null);
    assertThat(anonymous.status()).isEqualTo(200);
    assertThat(anonymous.json().get("status").asString()).isEqualTo("UP");
    assertThat(anonymous.json().has("components")).isFalse();
    assertThat(as(READ, "GET", "/actuator/health", null).json().has("components")).isFalse();
    Answer admin = as(ADMIN, "GET", "/actuator/health", null);
    assertThat(
            admin
                .json()
                .get("components")
                .get("index")
                .get("details")
                .get("collections")
                .has("articles"))
        .isTrue();
  }

  @Test
  void aMetricsKeyReadsTheMetricsAndNothingElse() throws Exception {
    Answer scrape = as(METRICS, "GET", "/actuator/prometheus", null);
    assertThat(scrape.status()).isEqualTo(200);
    assertThat(scrape.body()).contains("lakeshelf_ingest_rows_total");
    assertThat(as(METRICS, "GET", "/actuator/metrics", null).status()).isEqualTo(200);
    assertThat(as(METRICS, "GET", "/actuator/metrics/lakeshelf.ingest.rows", null).status())
        .isEqualTo(200);
    for (String[] call :
        new String[][] {
          {"GET", "/v1/collections"},
          {"GET", "/v1/collections/articles"},
          {"GET", "/v1/collections/articles/documents/doc-1"},
          {"POST", "/v1/collections/articles/search"},
          {"GET", "/v1/admin/jobs"},
          {"GET", "/actuator/info"}
        }) {
      Answer a =
          as(METRICS, call[0], call[1], call[0].equals("POST") ? "{\"vector\": [1, 0, 0]}" : null);
      assertThat(a.status()).as("%s %s with a metrics key", call[0], call[1]).isEqualTo(403);
      assertThat(a.json().get("code").asString()).isEqualTo("FORBIDDEN");
    }
    // read and write keys may not scrape; health shows a metrics key no components
    assertThat(as(READ, "GET", "/actuator/prometheus", null).status()).isEqualTo(403);
    assertThat(as(WRITE, "GET", "/actuator/metrics", null).status()).isEqualTo(403);
    assertThat(as(METRICS, "GET", "/actuator/health", null).json().has("components")).isFalse();
  }

  @Test
  void theConsolePageNeedsNoKeyButItsCallsDo() throws Exception {
    Answer page = as(null, "GET", "/", null);
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.contentType()).startsWith("text/html");
    assertThat(page.body()).contains("<script type=\"module\" src=\"/console/console.js\">");
    assertThat(as(null, "GET", "/console/console.js", null).status()).isEqualTo(200);
    Answer missing = as(null, "GET", "/console/secrets.txt", null);
    assertThat(missing.status()).isEqualTo(404);
    assertThat(missing.json().get("code").asString()).isEqualTo("NOT_FOUND");
    // only reads are open: any other method on the console's paths needs a key
    assertThat(as(null, "POST", "/", "{}").status()).isEqualTo(401);
    assertThat(as(null, "DELETE", "/console/console.js", null).status()).isEqualTo(401);
  }

  @Test
  void theApiDescriptionNeedsNoKey() throws Exception {
    assertThat(as(null, "GET", "/v3/api-docs", null).status()).isEqualTo(200);
    assertThat(as(null, "GET", "/swagger-ui/index.html", null).status()).isEqualTo(200);
  }

  @Test
  void theBearerSchemeIsCaseInsensitiveAndUnauthorizedAnswersSayHowToAuthenticate()
      throws Exception {
    assertThat(as("bearer " + READ, "GET", "/v1/collections", null).status()).isEqualTo(200);
    Answer a = as(null, "GET", "/v1/collections", null);
    assertThat(a.status()).isEqualTo(401);
    assertThat(a.body()).doesNotContain(READ).doesNotContain(WRITE).doesNotContain(ADMIN);
  }
}
