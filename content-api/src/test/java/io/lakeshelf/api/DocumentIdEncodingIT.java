package io.lakeshelf.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakeshelf.api.RunningService.Answer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Document ids in the path over real HTTP: every id the ingest accepts is read and deleted by its
 * percent-encoded form (RFC 3986), exactly that document and no other; a raw {@code ;} never
 * addresses another document; malformed encodings answer 400 problem+json; ids that could not be
 * addressed are refused at ingest.
 */
class DocumentIdEncodingIT {

  /**
   * Ids that differ only in what a lax decoder would drop or confuse; {@code a} must survive them
   * all.
   */
  static final List<String> IDS =
      List.of(
          "a",
          "a;v=2",
          "a;",
          "a/b",
          "a\\b",
          "a%b",
          "a%2Fb",
          "a?b",
          "a#b",
          "a b",
          "a+b",
          "ü/é",
          "..",
          ".",
          "a..",
          "/",
          "a/../b",
          "%",
          "日本語",
          "😀",
          "a&b=c",
          "a:b@c",
          "~a_b-c.d",
          "日".repeat(512)); // the longest id, 4608 characters when encoded

  @TempDir static Path dataDir;
  static RunningService service;

  @BeforeAll
  static void start() throws Exception {
    service = RunningService.start(dataDir);
    for (String c : List.of("reads", "deletes", "bodies")) {
      assertThat(
              service.send("PUT", "/v1/collections/" + c, LakeshelfServiceIT.COLLECTION).status())
          .isEqualTo(201);
      Answer a = service.send("POST", "/v1/collections/" + c + "/documents", ingest(IDS));
      assertThat(a.status()).as(a.body()).isEqualTo(200);
    }
  }

  @AfterAll
  static void stop() {
    service.close();
  }

  /** One document per id, its title the id, so a read shows which row answered. */
  static String ingest(List<String> ids) {
    ObjectNode body = RunningService.JSON.createObjectNode();
    ArrayNode docs = body.putArray("documents");
    for (int i = 0; i < ids.size(); i++) {
      ObjectNode d = docs.addObject();
      d.put("id", ids.get(i));
      d.put("title", ids.get(i));
      d.putObject("vectors").putArray("body").add(1).add(i + 1).add(0);
    }
    return body.toString();
  }

  /**
   * RFC 3986 percent-encoding of a path segment: everything but unreserved characters, as UTF-8.
   */
  static String encode(String id) {
    StringBuilder out = new StringBuilder();
    boolean dots = id.equals(".") || id.equals("..");
    for (byte b : id.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      boolean unreserved =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '-'
              || c == '_'
              || c == '~'
              || (c == '.' && !dots);
      if (unreserved) {
        out.append((char) c);
      } else {
        out.append('%').append(String.format("%02X", c));
      }
    }
    return out.toString();
  }

  static String doc(String collection, String encodedId) {
    return "/v1/collections/" + collection + "/documents/" + encodedId;
  }

  static Stream<String> ids() {
    return IDS.stream();
  }

  @ParameterizedTest(name = "GET {0}")
  @MethodSource("ids")
  void theEncodedIdReadsExactlyThatDocument(String id) throws Exception {
    Answer a = service.get(doc("reads", encode(id)));
    assertThat(a.status()).as("%s as %s: %s", id, encode(id), a.body()).isEqualTo(200);
    assertThat(a.json().get("id").asString()).isEqualTo(id);
    assertThat(a.json().get("title").asString()).isEqualTo(id);
  }

  @Test
  void eachEncodedIdDeletesOnlyItsDocument() throws Exception {
    List<String> left = new ArrayList<>(IDS);
    // "a" last: every look-alike is deleted while it still exists.
    List<String> order = new ArrayList<>(IDS.subList(1, IDS.size()));
    order.add("a");
    for (String id : order) {
      Answer d = service.send("DELETE", doc("deletes", encode(id)), null);
      assertThat(d.status()).as("DELETE %s: %s", id, d.body()).isEqualTo(200);
      assertThat(d.json().get("deleted").asInt()).isEqualTo(1);
      left.remove(id);
      assertThat(service.get(doc("deletes", encode(id))).status())
          .as("GET %s after its delete", id)
          .isEqualTo(404);
      for (String other : left) {
        Answer g = service.get(doc("deletes", encode(other)));
        assertThat(g.status()).as("%s after deleting %s", other, id).isEqualTo(200);
        assertThat(g.json().get("id").asString()).isEqualTo(other);
      }
    }
    assertThat(service.get("/v1/collections/deletes").json().get("documents").asLong()).isZero();
  }

  @Test
  void deleteByIdsInTheBodyTakesEveryId() throws Exception {
    ObjectNode body = RunningService.JSON.createObjectNode();
    ArrayNode ids = body.putArray("ids");
    IDS.stream().filter(id -> !id.equals("a")).forEach(ids::add);
    Answer d = service.send("POST", "/v1/collections/bodies/documents/delete", body.toString());
    assertThat(d.status()).as(d.body()).isEqualTo(200);
    assertThat(d.json().get("deleted").asInt()).isEqualTo(IDS.size() - 1);
    Answer a = service.get(doc("bodies", "a"));
    assertThat(a.status()).isEqualTo(200);
    assertThat(a.json().get("id").asString()).isEqualTo("a");
  }

  @Test
  void otherSpellingsOfTheSameIdAddressIt() throws Exception {
    // Lower-case hex, and unreserved characters encoded or not, are the same id (RFC 3986 6.2.2).
    assertThat(service.get(doc("reads", "a%3bv%3d2")).json().get("id").asString())
        .isEqualTo("a;v=2");
    assertThat(service.get(doc("reads", "%61")).json().get("id").asString()).isEqualTo("a");
    assertThat(service.get(doc("reads", "%7Ea%5Fb%2Dc%2Ed")).json().get("id").asString())
        .isEqualTo("~a_b-c.d");
    // A raw '+' is a plus, not a space.
    assertThat(service.get(doc("reads", "a+b")).json().get("id").asString()).isEqualTo("a+b");
    // Sub-delimiters and ':' '@' may be sent unencoded.
    assertThat(service.get(doc("reads", "a&b=c")).json().get("id").asString()).isEqualTo("a&b=c");
    assertThat(service.get(doc("reads", "a:b@c")).json().get("id").asString()).isEqualTo("a:b@c");
  }

  @Test
  void queryParametersStillApplyAfterAnEncodedId() throws Exception {
    Answer a = service.get(doc("reads", "a%3Fb") + "?include=vectors");
    assertThat(a.status()).as(a.body()).isEqualTo(200);
    assertThat(a.json().get("id").asString()).isEqualTo("a?b");
    assertThat(a.json().get("vectors").get("body").size()).isEqualTo(3);
  }

  @Test
  void aRawSemicolonNeverAddressesAnotherDocument() throws Exception {
    for (String raw : List.of("a;v=2", "a;", "a;v=2;w=3", "%61;v=2")) {
      Answer get = service.get(doc("reads", raw));
      assertProblem(get, 400, "GET " + raw);
      Answer delete = service.send("DELETE", doc("reads", raw), null);
      assertProblem(delete, 400, "DELETE " + raw);
      Answer image = service.get(doc("reads", raw) + "/images/0");
      assertProblem(image, 400, "GET images of " + raw);
    }
    for (String id : List.of("a", "a;v=2", "a;")) {
      assertThat(service.get(doc("reads", encode(id))).json().get("id").asString()).isEqualTo(id);
    }
  }

  static Stream<Arguments> malformed() {
    return Stream.of(
        Arguments.of("%zz", "not hex"),
        Arguments.of("%", "a lone %"),
        Arguments.of("a%2", "a truncated escape"),
        Arguments.of("%ff", "not UTF-8"),
        Arguments.of("%C3", "a truncated UTF-8 sequence"),
        Arguments.of("%C3%28", "a bad continuation byte"),
        Arguments.of("%C0%AF", "an overlong '/'"),
        Arguments.of("%ED%A0%80", "an encoded surrogate"),
        Arguments.of("%F4%90%80%80", "a code point above U+10FFFF"));
  }

  @ParameterizedTest(name = "{1}: {0}")
  @MethodSource("malformed")
  void aMalformedIdIsRefusedWithProblemJson(String segment, String what) throws Exception {
    for (String method : List.of("GET", "DELETE")) {
      assertProblem(raw(method, doc("reads", segment)), 400, method + " " + what);
    }
    assertProblem(raw("GET", doc("reads", segment) + "/images/0"), 400, "image of " + what);
    assertThat(service.get("/v1/collections/reads").json().get("documents").asLong())
        .isEqualTo(IDS.size());
  }

  @Test
  void idsNoDocumentCanHaveAreNotFound() throws Exception {
    // Well-formed, but the ingest refuses such ids: no document has them.
    for (String segment : List.of("a%0Ab", "%20", "%7F", "%C2%85")) {
      for (String method : List.of("GET", "DELETE")) {
        Answer a = raw(method, doc("reads", segment));
        assertThat(a.status()).as("%s %s: %s", method, segment, a.body()).isEqualTo(404);
        assertThat(a.contentType()).startsWith("application/problem+json");
        assertThat(a.json().get("code").asString()).isEqualTo("DOCUMENT_NOT_FOUND");
      }
    }
    // Tomcat refuses NUL in a path itself: 400 problem+json too.
    for (String method : List.of("GET", "DELETE")) {
      assertProblem(raw(method, doc("reads", "%00")), 400, method + " NUL");
    }
  }

  @Test
  void encodedIdsNeedTheRolesOfTheirEndpoint() throws Exception {
    String reader = "reader-5a1c", writer = "writer-9e2b";
    try (RunningService keyed =
        RunningService.start(
            dataDir.resolve("keyed"),
            "--lakeshelf.security.api-keys[0].name=reader",
            "--lakeshelf.security.api-keys[0].hash=" + SecurityIT.sha256(reader),
            "--lakeshelf.security.api-keys[0].roles=read",
            "--lakeshelf.security.api-keys[1].name=writer",
            "--lakeshelf.security.api-keys[1].hash=" + SecurityIT.sha256(writer),
            "--lakeshelf.security.api-keys[1].roles=admin")) {
      Map<String, String> asWriter = Map.of("Authorization", "Bearer " + writer);
      Map<String, String> asReader = Map.of("Authorization", "Bearer " + reader);
      keyed.send(
          "PUT", "/v1/collections/k", LakeshelfServiceIT.COLLECTION, "application/json", asWriter);
      keyed.send(
          "POST",
          "/v1/collections/k/documents",
          ingest(List.of("a", "a/b", "a/../..")),
          "application/json",
          asWriter);
      for (String id : List.of("a/b", "a/../..")) {
        String path = doc("k", encode(id));
        assertThat(keyed.send("GET", path, null, null, Map.of()).status()).isEqualTo(401);
        assertThat(keyed.send("GET", path, null, null, asReader).json().get("id").asString())
            .isEqualTo(id);
        Answer refused = keyed.send("DELETE", path, null, null, asReader);
        assertThat(refused.status())
            .as("a reader deletes %s: %s", id, refused.body())
            .isEqualTo(403);
        assertThat(refused.json().get("code").asString()).isEqualTo("FORBIDDEN");
        assertThat(keyed.send("GET", path, null, null, asReader).status()).isEqualTo(200);
      }
      // An encoded '/' does not take a path out of the rules that need a key.
      Answer health =
          keyed.send("GET", "/actuator/health/..%2F..%2Factuator%2Fmetrics", null, null, Map.of());
      assertThat(health.status()).as(health.body()).isNotEqualTo(200);
      assertThat(health.body()).doesNotContain("lakeshelf.search");
    }
  }

  @Test
  void encodedSlashesDoNotReachFilesOutsideStaticResources() throws Exception {
    for (String path :
        List.of(
            "/swagger-ui/..%2F..%2Fapplication.yml",
            "/swagger-ui/%2E%2E%2Fapplication.yml",
            "/swagger-ui/..%5C..%5Capplication.yml",
            "/swagger-ui/..%2F..%2F..%2FMETA-INF%2FMANIFEST.MF")) {
      // An escape outside a document id is not a canonical path: refused before any routing.
      assertProblem(service.get(path), 400, path);
    }
  }

  @Test
  void encodedSlashesStayInsideTheIdSegment() throws Exception {
    // An encoded '/' or '\' is never a path separator: no dot segment is resolved across it.
    assertProblemOrNotFound(service.get(doc("reads", "x%2F..%2F..%2F..%2Fcollections")));
    assertProblemOrNotFound(service.get(doc("reads", "x%5C..%5C..%5Ccollections")));
    assertThat(service.get(doc("reads", "%2F")).json().get("id").asString()).isEqualTo("/");
    // An encoded '/' anywhere else is refused: escapes belong in the id segment only.
    assertProblem(
        service.get("/v1/collections%2Freads/documents/a"),
        400,
        "an encoded '/' in a collection's path");
  }

  @Test
  void theIngestRefusesIdsThatCannotBeAddressed() throws Exception {
    Map<String, String> bad = new java.util.LinkedHashMap<>();
    bad.put("NUL", "a\u0000b");
    bad.put("line feed", "a\nb");
    bad.put("DEL", "a\u007fb");
    bad.put("C1 control", "a\u0085b");
    bad.put("lone high surrogate", "a\ud800b");
    bad.put("lone low surrogate", "\udc00");
    bad.put("too long", "x".repeat(513));
    for (Map.Entry<String, String> e : bad.entrySet()) {
      String body =
          "{\"documents\": [{\"id\": \"ok\", \"vectors\": {\"body\": [1,0,0]}}, "
              + "{\"id\": "
              + jsonString(e.getValue())
              + ", \"vectors\": {\"body\": [1,0,0]}}]}";
      Answer a = service.send("POST", "/v1/collections/reads/documents", body);
      assertProblem(a, 400, e.getKey());
      assertThat(a.json().get("code").asString()).isEqualTo("INVALID_REQUEST");
      JsonNode errors = a.json().get("errors");
      assertThat(errors.size()).as(a.body()).isEqualTo(1);
      assertThat(errors.get(0).get("index").asInt()).isEqualTo(1);
      assertThat(errors.get(0).get("field").asString()).isEqualTo("id");
      assertThat(errors.get(0).get("reason").asString()).isNotBlank();
    }
    assertThat(service.get("/v1/collections/reads").json().get("documents").asLong())
        .isEqualTo(IDS.size());
  }

  /**
   * A JSON string literal with every non-ASCII or control character escaped (lone surrogates
   * included).
   */
  static String jsonString(String s) {
    StringBuilder out = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      if (c == '"' || c == '\\') {
        out.append('\\').append(c);
      } else if (c < 0x20 || c > 0x7e) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.append('"').toString();
  }

  static void assertProblem(Answer a, int status, String what) {
    assertThat(a.status()).as("%s: %s", what, a.body()).isEqualTo(status);
    assertThat(a.contentType()).as("%s: %s", what, a.body()).startsWith("application/problem+json");
    JsonNode json = a.json();
    assertThat(json.get("code").asString()).as(what).isNotBlank();
    assertThat(json.get("status").asInt()).isEqualTo(status);
    assertThat(json.get("detail").asString()).isNotBlank();
    if (status == 400) {
      assertThat(json.get("code").asString()).as(what).isEqualTo("INVALID_REQUEST");
    }
  }

  static void assertProblemOrNotFound(Answer a) {
    assertThat(a.status()).as(a.body()).isIn(400, 404);
    assertThat(a.contentType()).startsWith("application/problem+json");
  }

  /**
   * Sends a request line as given, byte for byte: java.net.URI refuses malformed escapes, so these
   * go over a plain socket.
   */
  static Answer raw(String method, String target) throws Exception {
    return RawHttp.send(service.port, method, target);
  }
}
