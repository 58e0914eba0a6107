package io.lakeshelf.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakeshelf.api.RunningService.Answer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/**
 * The key matrix over other spellings of each path (issue 12): every endpoint × {no key, wrong key,
 * read, write, admin} × {{@code ;x} on each segment, a percent-encoded character in each segment,
 * upper case, {@code //}, a trailing {@code /}, {@code /./}, {@code /../}, {@code %2E} dot
 * segments, paths that start like an open endpoint}. Whatever the key, another spelling is never
 * served: it answers 400, 401, 403 or 404 {@code NOT_FOUND} (no route; never the 404 of a handler
 * that ran), and the tables, the collections and the jobs stay as they were. One service for all of
 * it.
 */
class PathSpellingAccessIT {

  static final String READ = "reader-41c9e7d0", WRITE = "writer-8a2b6f35", ADMIN = "admin-c05d93e1";

  /** The keys of the matrix, by label; null is no key. */
  static final Map<String, String> KEYS = new LinkedHashMap<>();

  static {
    KEYS.put("no key", null);
    KEYS.put("wrong key", "reader-41c9e7d0x");
    KEYS.put("read", READ);
    KEYS.put("write", WRITE);
    KEYS.put("admin", ADMIN);
  }

  static final String DOCS =
      """
      {"documents": [
        {"id": "a", "title": "A", "text": "alpha", "vectors": {"body": [1, 0, 0]}},
        {"id": "b", "title": "B", "text": "beta", "vectors": {"body": [0, 1, 0]}}]}\
      """;

  @TempDir static Path dataDir;
  static RunningService service;
  static String jobId;

  @BeforeAll
  static void start() throws Exception {
    service =
        RunningService.start(
            dataDir,
            "--lakeshelf.security.api-keys[0].name=pipeline",
            "--lakeshelf.security.api-keys[0].hash=" + SecurityIT.sha256(READ),
            "--lakeshelf.security.api-keys[0].roles=read",
            "--lakeshelf.security.api-keys[1].name=loader",
            "--lakeshelf.security.api-keys[1].hash=" + SecurityIT.sha256(WRITE),
            "--lakeshelf.security.api-keys[1].roles=write",
            "--lakeshelf.security.api-keys[2].name=ops",
            "--lakeshelf.security.api-keys[2].hash=" + SecurityIT.sha256(ADMIN),
            "--lakeshelf.security.api-keys[2].roles=admin");
    restore();
    Answer reindex = as(ADMIN, "POST", "/v1/admin/collections/c/reindex", null);
    assertThat(reindex.status()).as(reindex.body()).isEqualTo(202);
    jobId = reindex.json().get("id").asString();
    awaitJobs();
  }

  @AfterAll
  static void stop() {
    if (service != null) {
      service.close();
    }
  }

  static Answer as(String key, String method, String path, String body) throws Exception {
    Map<String, String> headers = key == null ? Map.of() : Map.of("Authorization", "Bearer " + key);
    return service.send(method, path, body, "application/json", headers);
  }

  /**
   * What the matrix must leave unchanged: each collection's table version and vectors, and the
   * jobs.
   */
  record State(Map<String, String> collections, int jobs) {}

  static State state() throws Exception {
    Map<String, String> versions = new TreeMap<>();
    for (JsonNode c : as(ADMIN, "GET", "/v1/collections", null).json().get("collections")) {
      versions.put(
          c.get("name").asString(),
          "tableVersion " + c.get("tableVersion").asLong() + ", vectors " + c.get("vectors"));
    }
    return new State(versions, as(ADMIN, "GET", "/v1/admin/jobs", null).json().get("jobs").size());
  }

  /**
   * Collection c with documents a and b, nothing else (after a request that was wrongly served).
   */
  static void restore() throws Exception {
    awaitJobs();
    for (JsonNode c : as(ADMIN, "GET", "/v1/collections", null).json().get("collections")) {
      if (!c.get("name").asString().equals("c")) {
        as(ADMIN, "DELETE", "/v1/collections/" + c.get("name").asString() + "?purge=true", null);
      }
    }
    Answer put = as(ADMIN, "PUT", "/v1/collections/c?reindex=true", LakeshelfServiceIT.COLLECTION);
    assertThat(put.status()).as(put.body()).isIn(200, 201);
    awaitJobs();
    Answer ingest = as(WRITE, "POST", "/v1/collections/c/documents", DOCS);
    assertThat(ingest.status()).as(ingest.body()).isEqualTo(200);
  }

  static void awaitJobs() throws Exception {
    for (int i = 0; i < 200; i++) {
      JsonNode jobs = as(ADMIN, "GET", "/v1/admin/jobs", null).json().get("jobs");
      boolean running = false;
      for (JsonNode j : jobs) {
        String s = j.get("state").asString();
        running |= s.equals("queued") || s.equals("running");
      }
      if (!running) {
        return;
      }
      Thread.sleep(50);
    }
  }

  static Stream<Arguments> endpoints() {
    String doc = "{\"documents\": [{\"id\": \"x\", \"vectors\": {\"body\": [0, 0, 1]}}]}";
    return Stream.of(
        Arguments.of("GET", "/v1/collections", null, "read"),
        Arguments.of("GET", "/v1/collections/c", null, "read"),
        Arguments.of("PUT", "/v1/collections/n", LakeshelfServiceIT.COLLECTION, "admin"),
        Arguments.of(
            "PUT",
            "/v1/collections/c?reindex=true",
            "{\"vectors\": {\"body\": {\"dimensions\": 3, \"similarity\": \"dot\"}}}",
            "admin"),
        Arguments.of("DELETE", "/v1/collections/c?purge=true", null, "admin"),
        Arguments.of("POST", "/v1/collections/c/documents", doc, "write"),
        Arguments.of("GET", "/v1/collections/c/documents/a", null, "read"),
        Arguments.of("DELETE", "/v1/collections/c/documents/a", null, "write"),
        Arguments.of("POST", "/v1/collections/c/documents/delete", "{\"ids\": [\"b\"]}", "write"),
        Arguments.of("POST", "/v1/collections/c/search", "{\"vector\": [1, 0, 0]}", "read"),
        Arguments.of("GET", "/v1/collections/c/documents/a/images/0", null, "read"),
        Arguments.of("POST", "/v1/admin/collections/c/reindex", null, "admin"),
        Arguments.of("GET", "/v1/admin/jobs", null, "admin"),
        Arguments.of("GET", "/v1/admin/jobs/{job}", null, "admin"),
        Arguments.of("GET", "/actuator/metrics", null, "admin"),
        Arguments.of("GET", "/actuator/metrics/jvm.memory.used", null, "admin"),
        Arguments.of("GET", "/actuator/prometheus", null, "admin"),
        Arguments.of("GET", "/actuator/info", null, "admin"),
        Arguments.of("GET", "/actuator/health", null, "none"),
        Arguments.of("GET", "/v3/api-docs", null, "none"),
        Arguments.of("GET", "/console/console.js", null, "none"));
  }

  static int rank(String role) {
    return switch (role) {
      case "none" -> -1;
      case "read" -> 0;
      case "write" -> 1;
      default -> 2;
    };
  }

  static int rankOf(String keyLabel) {
    return switch (keyLabel) {
      case "read" -> 0;
      case "write" -> 1;
      case "admin" -> 2;
      default -> -1;
    };
  }

  /** The routes' own words: an upper-case name or id is another resource, not another spelling. */
  static final Set<String> LITERALS =
      Set.of(
          "v1",
          "collections",
          "documents",
          "images",
          "search",
          "delete",
          "admin",
          "jobs",
          "reindex",
          "actuator",
          "metrics",
          "prometheus",
          "info",
          "health",
          "v3",
          "api-docs",
          "console",
          "console.js");

  /**
   * Other spellings of a path: on each segment {@code ;x} and {@code ;}, its first and its last
   * character percent-encoded and (for the routes' own words) upper case; then the whole path in
   * upper case, empty segments, a trailing slash, dot segments raw and encoded, and paths that
   * start like an open endpoint and climb out of it. The document-id segment (after {@code
   * /documents/}) may legitimately be percent-encoded and is case-sensitive, so it gets only the
   * {@code ;} spellings.
   */
  static Set<String> spellings(String path) {
    String[] segments = path.substring(1).split("/");
    Set<String> out = new LinkedHashSet<>();
    for (int i = 0; i < segments.length; i++) {
      boolean id = i == 4 && segments[3].equals("documents");
      String s = segments[i];
      out.add(join(segments, i, s + ";x"));
      out.add(join(segments, i, s + ";"));
      if (!id) {
        out.add(join(segments, i, String.format("%%%02X", (int) s.charAt(0)) + s.substring(1)));
        int last = s.length() - 1;
        out.add(
            join(
                segments, i, s.substring(0, last) + String.format("%%%02x", (int) s.charAt(last))));
        String upper = s.toUpperCase(Locale.ROOT);
        if (!upper.equals(s) && LITERALS.contains(s)) {
          out.add(join(segments, i, upper));
        }
      }
    }
    out.add(path.toUpperCase(Locale.ROOT));
    out.add(path + "/");
    out.add(path + "/.");
    out.add("/" + path);
    out.add(path.replaceFirst("^(/[^/]+)/", "$1//"));
    out.add(path.replaceFirst("^(/[^/]+)/", "$1/./"));
    out.add(path.replaceFirst("^(/[^/]+)/", "$1/x/../"));
    out.add(path.replaceFirst("^(/[^/]+)/", "$1/%2E/"));
    out.add(path.replaceFirst("^(/[^/]+)/", "$1/x/%2E%2E/"));
    out.add(path.replaceFirst("^(/[^/]+)/", "$1/.;x/"));
    out.add("/actuator/health/../.." + path);
    out.add("/actuator/health/..;/.." + path);
    out.add("/v3/api-docs/%2E%2E/%2E%2E" + path);
    out.add("/swagger-ui/..;/.." + path);
    out.remove(path);
    return out;
  }

  static String join(String[] segments, int at, String replacement) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < segments.length; i++) {
      b.append('/').append(i == at ? replacement : segments[i]);
    }
    return b.toString();
  }

  /** The path, then its query: spellings change the path only. */
  static String withQuery(String spelled, String query) {
    return query == null ? spelled : spelled + "?" + query;
  }

  /**
   * Whether an answer shows the request was not served: 400 problem+json, 401, 403, or 404 {@code
   * NOT_FOUND} (no such endpoint). 405 is accepted only when the key holds the endpoint's role (the
   * router knows no such method for that spelling; nothing ran).
   */
  static boolean refused(Answer a, boolean holder) {
    if (a.status() == 400 || a.status() == 401 || a.status() == 403) {
      return a.contentType().startsWith("application/problem+json");
    }
    if (a.status() == 404) {
      return a.contentType().startsWith("application/problem+json")
          && "NOT_FOUND".equals(a.json().path("code").asString(""));
    }
    return holder && a.status() == 405;
  }

  @ParameterizedTest(name = "{0} {1} needs {3}")
  @MethodSource("endpoints")
  void noOtherSpellingIsServedToAnyKey(String method, String target, String body, String role)
      throws Exception {
    String resolved = target.replace("{job}", jobId);
    String path = resolved.contains("?") ? resolved.substring(0, resolved.indexOf('?')) : resolved;
    String query = resolved.contains("?") ? resolved.substring(resolved.indexOf('?') + 1) : null;
    List<String> violations = new ArrayList<>();
    State before = state();
    for (String spelled : spellings(path)) {
      for (Map.Entry<String, String> key : KEYS.entrySet()) {
        boolean holder = rankOf(key.getKey()) >= rank(role);
        Answer a = as(key.getValue(), method, withQuery(spelled, query), body);
        if (!refused(a, holder)) {
          violations.add(
              String.format(
                  "%s %s with %s: %d %s",
                  method,
                  spelled,
                  key.getKey(),
                  a.status(),
                  a.body().length() > 160 ? a.body().substring(0, 160) : a.body()));
        }
        if (path.equals("/actuator/health")
            && a.status() == 200
            && !key.getKey().equals("admin")
            && a.json().has("components")) {
          violations.add(
              String.format("GET %s with %s shows health components", spelled, key.getKey()));
        }
      }
      if (method.equals("GET")) {
        continue;
      }
      State after = state();
      if (!after.equals(before)) {
        violations.add(
            String.format("%s %s changed the state: %s -> %s", method, spelled, before, after));
        restore();
        before = state();
      }
    }
    assertThat(violations)
        .as("%d spellings of %s %s", spellings(path).size(), method, path)
        .isEmpty();
  }

  @ParameterizedTest(name = "{0} {1} needs {3}")
  @MethodSource("endpoints")
  void theCanonicalSpellingNeedsTheRole(String method, String target, String body, String role)
      throws Exception {
    if (rank(role) < 0) {
      return;
    }
    String path = target.replace("{job}", jobId);
    State before = state();
    for (Map.Entry<String, String> key : KEYS.entrySet()) {
      if (rankOf(key.getKey()) >= rank(role)) {
        continue;
      }
      Answer a = as(key.getValue(), method, path, body);
      int expected = rankOf(key.getKey()) < 0 ? 401 : 403;
      assertThat(a.status())
          .as("%s %s with %s: %s", method, path, key.getKey(), a.body())
          .isEqualTo(expected);
    }
    assertThat(state()).isEqualTo(before);
  }

  @Test
  void encodedIdsStillAddressDocumentsAndNeedTheirRoles() throws Exception {
    restore();
    // The id segment may encode any character, unreserved ones included, and dots.
    assertThat(
            as(
                    WRITE,
                    "POST",
                    "/v1/collections/c/documents",
                    "{\"documents\": [{\"id\": \".\", \"vectors\": {\"body\": [1, 1, 0]}},"
                        + " {\"id\": \"a/b;c\", \"vectors\": {\"body\": [1, 1, 1]}}]}")
                .status())
        .isEqualTo(200);
    for (String segment : List.of("%61", "%2E", "a%2Fb%3Bc", "a%2fb%3bc")) {
      Answer a = as(READ, "GET", "/v1/collections/c/documents/" + segment, null);
      assertThat(a.status()).as("GET %s: %s", segment, a.body()).isEqualTo(200);
      State before = state();
      Answer refused = as(READ, "DELETE", "/v1/collections/c/documents/" + segment, null);
      assertThat(refused.status()).as("a reader deletes %s", segment).isEqualTo(403);
      assertThat(state()).isEqualTo(before);
    }
    Answer deleted = as(WRITE, "DELETE", "/v1/collections/c/documents/%2E", null);
    assertThat(deleted.status()).as(deleted.body()).isEqualTo(200);
    assertThat(as(READ, "GET", "/v1/collections/c/documents/%2E", null).status()).isEqualTo(404);
    restore();
  }

  @Test
  void theSpellingsOfTheIssueAreRefusedToAReadKeyAndChangeNothing() throws Exception {
    restore();
    State before = state();
    String doc = "{\"documents\": [{\"id\": \"x\", \"vectors\": {\"body\": [0, 0, 1]}}]}";
    String[][] requests = {
      {"POST", "/v1/collections/c/documents;x", doc},
      {"POST", "/v1;x/admin/collections/c/reindex", null},
      {"DELETE", "/v1/%63ollections/c?purge=true", null},
      {"GET", "/%61ctuator/metrics", null},
      {"DELETE", "/v1/coll%65ctions/c/documents/a", null},
      {"GET", "/v1/admin;x/jobs", null}
    };
    for (String[] r : requests) {
      Answer a = as(READ, r[0], r[1], r[2]);
      assertThat(a.status()).as("%s %s: %s", r[0], r[1], a.body()).isEqualTo(400);
      assertThat(a.contentType()).startsWith("application/problem+json");
      assertThat(a.json().get("code").asString()).isEqualTo("INVALID_REQUEST");
    }
    assertThat(state()).isEqualTo(before);
    assertThat(as(READ, "GET", "/v1/collections/c/documents/a", null).status()).isEqualTo(200);
  }

  @Test
  void anotherSpellingIsRefusedWithInvalidRequestEvenForAdmins() throws Exception {
    for (String path :
        List.of(
            "/v1/collections/c;x",
            "/v1;x/admin/jobs",
            "/v1/%63ollections/c",
            "/%61ctuator/metrics",
            "/v1/collections//c",
            "/v1/collections/c/",
            "/v1/./collections/c",
            "/v1/x/../collections/c",
            "/v1/%2E/collections/c",
            "/v1/collections/c/documents/a/images/%30")) {
      Answer a = as(ADMIN, "GET", path, null);
      assertThat(a.status()).as("%s: %s", path, a.body()).isEqualTo(400);
      assertThat(a.contentType()).startsWith("application/problem+json");
      assertThat(a.json().get("code").asString()).isEqualTo("INVALID_REQUEST");
      assertThat(a.json().get("detail").asString()).isNotBlank();
    }
    // Paths are case-sensitive: an upper-case spelling is no route, and needs at least the role of
    // the lower-case one.
    assertThat(as(ADMIN, "GET", "/V1/admin/jobs", null).status()).isEqualTo(404);
    assertThat(as(READ, "GET", "/V1/admin/jobs", null).status()).isEqualTo(403);
    assertThat(as(READ, "GET", "/ACTUATOR/metrics", null).status()).isEqualTo(403);
  }
}
