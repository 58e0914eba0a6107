package io.lakeshelf.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakeshelf.api.RunningService.Answer;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every kind of bad input answers a 4xx problem+json with its documented code, and writes nothing:
 * the table version is the same before and after.
 */
class BadInputIT {

  @TempDir static Path dataDir;
  static RunningService service;

  @BeforeAll
  static void start() throws Exception {
    service =
        RunningService.start(
            dataDir,
            "--lakeshelf.limits.max-documents=5",
            "--lakeshelf.limits.max-request-size=64KB",
            "--lakeshelf.limits.max-k=50",
            "--lakeshelf.limits.max-dimensions=1024",
            "--lakeshelf.limits.max-text-length=1000");
    service.send("PUT", "/v1/collections/articles", LakeshelfServiceIT.COLLECTION);
    service.send("POST", "/v1/collections/articles/documents", LakeshelfServiceIT.THREE_DOCS);
    service.send("PUT", "/v1/collections/spare", LakeshelfServiceIT.COLLECTION);
    service.send(
        "PUT",
        "/v1/collections/dots",
        "{\"vectors\": {\"body\": {\"dimensions\": 3, \"similarity\": \"dot\"}}}");
    service.send(
        "PUT",
        "/v1/collections/far",
        "{\"vectors\": {\"body\": {\"dimensions\": 3, \"similarity\": \"l2\"}}}");
  }

  @AfterAll
  static void stop() {
    service.close();
  }

  static String doc(String id, String vector) {
    return "{\"documents\": [{\"id\": \"" + id + "\", \"vectors\": {\"body\": " + vector + "}}]}";
  }

  static Stream<Arguments> badRequests() {
    String docs = "/v1/collections/articles/documents";
    String search = "/v1/collections/articles/search";
    String sixDocs =
        "{\"documents\": ["
            + String.join(
                ",",
                java.util.Collections.nCopies(
                    6, "{\"id\": \"x\", \"vectors\": {\"body\": [1,0,0]}}"))
            + "]}";
    String huge =
        "{\"documents\": [{\"id\": \"big\", \"text\": \""
            + "a".repeat(70_000)
            + "\", \"vectors\": {\"body\": [1,0,0]}}]}";
    return Stream.of(
        Arguments.of("malformed JSON", "POST", docs, "{\"documents\": [", 400, "INVALID_REQUEST"),
        Arguments.of("not JSON at all", "POST", search, "hello", 400, "INVALID_REQUEST"),
        Arguments.of("empty body", "POST", docs, "", 400, "INVALID_REQUEST"),
        Arguments.of(
            "wrong type: documents", "POST", docs, "{\"documents\": 3}", 400, "INVALID_REQUEST"),
        Arguments.of(
            "wrong type: vector values",
            "POST",
            docs,
            doc("x", "[\"a\", 0, 0]"),
            400,
            "INVALID_REQUEST"),
        Arguments.of(
            "wrong type: k",
            "POST",
            search,
            "{\"vector\": [1,0,0], \"k\": \"ten\"}",
            400,
            "INVALID_REQUEST"),
        Arguments.of(
            "fractional k",
            "POST",
            search,
            "{\"vector\": [1,0,0], \"k\": 2.5}",
            400,
            "INVALID_REQUEST"),
        Arguments.of(
            "unknown field",
            "POST",
            search,
            "{\"vector\": [1,0,0], \"kk\": 2}",
            400,
            "INVALID_REQUEST"),
        Arguments.of(
            "wrong dimensions on ingest",
            "POST",
            docs,
            doc("x", "[1, 0]"),
            400,
            "DIMENSION_MISMATCH"),
        Arguments.of(
            "wrong dimensions on search",
            "POST",
            search,
            "{\"vector\": [1, 0]}",
            400,
            "DIMENSION_MISMATCH"),
        Arguments.of(
            "NaN on ingest", "POST", docs, doc("x", "[NaN, 0, 0]"), 400, "INVALID_REQUEST"),
        Arguments.of(
            "NaN on search", "POST", search, "{\"vector\": [NaN, 0, 0]}", 400, "INVALID_REQUEST"),
        Arguments.of(
            "infinite on ingest", "POST", docs, doc("x", "[1e39, 0, 0]"), 400, "INVALID_REQUEST"),
        Arguments.of(
            "infinite on search",
            "POST",
            search,
            "{\"vector\": [-1e39, 0, 0]}",
            400,
            "INVALID_REQUEST"),
        Arguments.of(
            "zero vector for cosine", "POST", docs, doc("x", "[0, 0, 0]"), 400, "INVALID_REQUEST"),
        Arguments.of(
            "missing vector",
            "POST",
            docs,
            "{\"documents\": [{\"id\": \"x\"}]}",
            400,
            "INVALID_REQUEST"),
        Arguments.of(
            "unknown vector",
            "POST",
            docs,
            "{\"documents\": [{\"id\": \"x\", \"vectors\": {\"body\": [1,0,0], \"img\": [1]}}]}",
            400,
            "INVALID_REQUEST"),
        Arguments.of(
            "missing id",
            "POST",
            docs,
            "{\"documents\": [{\"vectors\": {\"body\": [1,0,0]}}]}",
            400,
            "INVALID_REQUEST"),
        Arguments.of(
            "duplicate ids",
            "POST",
            docs,
            "{\"documents\": [{\"id\": \"d\", \"vectors\": {\"body\": [1,0,0]}}, {\"id\": \"d\","
                + " \"vectors\": {\"body\": [0,1,0]}}]}",
            400,
            "INVALID_REQUEST"),
        Arguments.of(
            "one bad document rejects the batch",
            "POST",
            docs,
            "{\"documents\": [{\"id\": \"ok\", \"vectors\": {\"body\": [1,0,0]}}, {\"id\": \"bad\","
                + " \"vectors\": {\"body\": [1]}}]}",
            400,
            "DIMENSION_MISMATCH"),
        Arguments.of(
            "bad image",
            "POST",
            docs,
            "{\"documents\": [{\"id\": \"x\", \"images\": [{\"uri\": \"\"}], \"vectors\":"
                + " {\"body\": [1,0,0]}}]}",
            400,
            "INVALID_REQUEST"),
        Arguments.of(
            "negative image size",
            "POST",
            docs,
            "{\"documents\": [{\"id\": \"x\", \"images\": [{\"uri\": \"s3://b/k\", \"sizeBytes\":"
                + " -1}], \"vectors\": {\"body\": [1,0,0]}}]}",
            400,
            "INVALID_REQUEST"),
        Arguments.of("empty batch", "POST", docs, "{\"documents\": []}", 400, "INVALID_REQUEST"),
        Arguments.of("oversized batch", "POST", docs, sixDocs, 413, "PAYLOAD_TOO_LARGE"),
        Arguments.of("body over the size limit", "POST", docs, huge, 413, "PAYLOAD_TOO_LARGE"),
        Arguments.of(
            "k too small",
            "POST",
            search,
            "{\"vector\": [1,0,0], \"k\": 0}",
            400,
            "INVALID_REQUEST"),
        Arguments.of(
            "k too large",
            "POST",
            search,
            "{\"vector\": [1,0,0], \"k\": 1001}",
            400,
            "INVALID_REQUEST"),
        Arguments.of(
            "k above the configured limit",
            "POST",
            search,
            "{\"vector\": [1,0,0], \"k\": 51}",
            400,
            "INVALID_REQUEST"),
        Arguments.of(
            "more dimensions than the limit",
            "PUT",
            "/v1/collections/wide",
            "{\"vectors\": {\"v\": {\"dimensions\": 1025}}}",
            400,
            "INVALID_REQUEST"),
        Arguments.of(
            "text longer than the limit",
            "POST",
            docs,
            "{\"documents\": [{\"id\": \"x\", \"text\": \""
                + "t".repeat(1001)
                + "\", \"vectors\": {\"body\": [1,0,0]}}]}",
            400,
            "INVALID_REQUEST"),
        Arguments.of(
            "huge k",
            "POST",
            search,
            "{\"vector\": [1,0,0], \"k\": 99999999999}",
            400,
            "INVALID_REQUEST"),
        Arguments.of(
            "unknown field in a document",
            "POST",
            docs,
            "{\"documents\": [{\"id\": \"x\", \"color\": \"red\", \"vectors\": {\"body\":"
                + " [1,0,0]}}]}",
            400,
            "INVALID_REQUEST"),
        Arguments.of(
            "wrong type: collection vectors",
            "PUT",
            "/v1/collections/c3",
            "{\"vectors\": [1, 2]}",
            400,
            "INVALID_REQUEST"),
        Arguments.of(
            "malformed reindex path",
            "POST",
            "/v1/admin/collections/articles/reindex/now",
            null,
            404,
            "NOT_FOUND"),
        Arguments.of("unknown job", "DELETE", "/v1/admin/jobs/nope", null, 404, "JOB_NOT_FOUND"),
        Arguments.of(
            "unknown include",
            "POST",
            search,
            "{\"vector\": [1,0,0], \"include\": [\"secrets\"]}",
            400,
            "INVALID_REQUEST"),
        Arguments.of(
            "a null include part",
            "POST",
            search,
            "{\"vector\": [1,0,0], \"include\": [null, \"text\"]}",
            400,
            "INVALID_REQUEST"),
        Arguments.of(
            "unknown using",
            "POST",
            search,
            "{\"vector\": [1,0,0], \"using\": \"image\"}",
            400,
            "INVALID_REQUEST"),
        Arguments.of("no vector", "POST", search, "{\"k\": 3}", 400, "INVALID_REQUEST"),
        Arguments.of(
            "unknown collection: search",
            "POST",
            "/v1/collections/nope/search",
            "{\"vector\": [1,0,0]}",
            404,
            "COLLECTION_NOT_FOUND"),
        Arguments.of(
            "unknown collection: ingest",
            "POST",
            "/v1/collections/nope/documents",
            doc("x", "[1,0,0]"),
            404,
            "COLLECTION_NOT_FOUND"),
        Arguments.of(
            "unknown collection: get",
            "GET",
            "/v1/collections/nope",
            null,
            404,
            "COLLECTION_NOT_FOUND"),
        Arguments.of(
            "unknown document: get", "GET", docs + "/nope", null, 404, "DOCUMENT_NOT_FOUND"),
        Arguments.of(
            "unknown document: delete", "DELETE", docs + "/nope", null, 404, "DOCUMENT_NOT_FOUND"),
        Arguments.of(
            "bad collection name",
            "PUT",
            "/v1/collections/Bad_Name",
            LakeshelfServiceIT.COLLECTION,
            400,
            "INVALID_REQUEST"),
        Arguments.of(
            "collection without vectors",
            "PUT",
            "/v1/collections/empty",
            "{\"vectors\": {}}",
            400,
            "INVALID_REQUEST"),
        Arguments.of(
            "bad similarity",
            "PUT",
            "/v1/collections/c2",
            "{\"vectors\": {\"v\": {\"dimensions\": 3, \"similarity\": \"manhattan\"}}}",
            400,
            "INVALID_REQUEST"),
        Arguments.of(
            "bad dimensions",
            "PUT",
            "/v1/collections/c2",
            "{\"vectors\": {\"v\": {\"dimensions\": 0}}}",
            400,
            "INVALID_REQUEST"),
        Arguments.of(
            "dimension change without reindex",
            "PUT",
            "/v1/collections/articles",
            "{\"vectors\": {\"body\": {\"dimensions\": 4, \"similarity\": \"cosine\"}}}",
            409,
            "REINDEX_REQUIRED"),
        Arguments.of("delete without ids", "POST", docs + "/delete", "{}", 400, "INVALID_REQUEST"),
        Arguments.of("unknown endpoint", "GET", "/v1/nothing-here", null, 404, "NOT_FOUND"),
        Arguments.of(
            "wrong method", "PATCH", "/v1/collections/articles", "{}", 405, "METHOD_NOT_ALLOWED"),
        Arguments.of(
            "time travel",
            "POST",
            search,
            "{\"vector\": [1,0,0], \"asOfVersion\": 99}",
            404,
            "VERSION_NOT_AVAILABLE"),
        Arguments.of(
            "time travel before the table",
            "POST",
            search,
            "{\"vector\": [1,0,0], \"asOfVersion\": -1}",
            404,
            "VERSION_NOT_AVAILABLE"),
        Arguments.of(
            "unknown mode",
            "POST",
            search,
            "{\"vector\": [1,0,0], \"mode\": \"fuzzy\"}",
            400,
            "INVALID_REQUEST"),
        Arguments.of(
            "blank text",
            "POST",
            search,
            "{\"text\": \"  \", \"mode\": \"keyword\"}",
            400,
            "INVALID_REQUEST"),
        Arguments.of(
            "text without a model",
            "POST",
            search,
            "{\"text\": \"lakes\"}",
            400,
            "INVALID_REQUEST"),
        Arguments.of(
            "filter on an undeclared field",
            "POST",
            search,
            "{\"vector\": [1,0,0], \"filter\": {\"field\": \"lang\", \"eq\": \"en\"}}",
            400,
            "FIELD_NOT_FILTERABLE"),
        Arguments.of(
            "filter with an unknown operator",
            "POST",
            search,
            "{\"vector\": [1,0,0], \"filter\": {\"field\": \"lang\", \"like\": \"e%\"}}",
            400,
            "INVALID_FILTER"),
        Arguments.of(
            "filter that is not an object",
            "POST",
            search,
            "{\"vector\": [1,0,0], \"filter\": [1]}",
            400,
            "INVALID_FILTER"),
        Arguments.of(
            "filter number that overflows a double",
            "POST",
            search,
            "{\"vector\": [1,0,0], \"filter\": {\"field\": \"lang\", \"gt\": 1e999}}",
            400,
            "INVALID_FILTER"),
        Arguments.of(
            "filter list number that overflows a double",
            "POST",
            search,
            "{\"vector\": [1,0,0], \"filter\": {\"field\": \"lang\", \"in\": [1, -1e999]}}",
            400,
            "INVALID_FILTER"),
        Arguments.of(
            "delete by a filter number that overflows",
            "POST",
            docs + "/delete",
            "{\"filter\": {\"field\": \"lang\", \"lte\": 2e400}}",
            400,
            "INVALID_FILTER"),
        Arguments.of(
            "filter with an empty and",
            "POST",
            search,
            "{\"vector\": [1,0,0], \"filter\": {\"and\": []}}",
            400,
            "INVALID_FILTER"),
        Arguments.of(
            "filter too deep",
            "POST",
            search,
            "{\"vector\": [1,0,0], \"filter\": "
                + "{\"not\": ".repeat(9)
                + "{\"field\": \"lang\", \"eq\": \"en\"}"
                + "}".repeat(9)
                + "}",
            400,
            "INVALID_FILTER"),
        Arguments.of(
            "delete by an undeclared field",
            "POST",
            docs + "/delete",
            "{\"filter\": {\"field\": \"lang\", \"eq\": \"en\"}}",
            400,
            "FIELD_NOT_FILTERABLE"),
        Arguments.of(
            "delete by ids and filter",
            "POST",
            docs + "/delete",
            "{\"ids\": [\"a\"], \"filter\": {\"field\": \"lang\", \"eq\": \"en\"}}",
            400,
            "INVALID_REQUEST"),
        Arguments.of(
            "unknown embedding model",
            "PUT",
            "/v1/collections/c4",
            "{\"vectors\": {\"v\": {\"embed\": \"gpt-embedder\"}}}",
            400,
            "INVALID_REQUEST"),
        Arguments.of(
            "model of other dimensions",
            "PUT",
            "/v1/collections/c4",
            "{\"vectors\": {\"v\": {\"embed\": \"all-minilm-l6-v2\", \"dimensions\": 3}}}",
            400,
            "INVALID_REQUEST"),
        Arguments.of(
            "unknown analyzer",
            "PUT",
            "/v1/collections/c4",
            "{\"vectors\": {\"v\": {\"dimensions\": 3}}, \"analyzer\": \"klingon\"}",
            400,
            "INVALID_REQUEST"),
        Arguments.of(
            "unknown quantization",
            "PUT",
            "/v1/collections/c4",
            "{\"vectors\": {\"v\": {\"dimensions\": 3, \"quantization\": \"int2\"}}}",
            400,
            "INVALID_REQUEST"),
        Arguments.of(
            "filterable column that does not exist",
            "PUT",
            "/v1/collections/c4",
            "{\"vectors\": {\"v\": {\"dimensions\": 3}}, \"filterable\": [\"colour\"]}",
            400,
            "FIELD_NOT_FILTERABLE"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badRequests")
  void isRefusedWithProblemJsonAndNothingIsWritten(
      String what, String method, String path, String body, int status, String code)
      throws Exception {
    long before = tableVersion();
    Answer a = service.send(method, path, body);
    assertThat(a.status()).as(what + ": " + a.body()).isEqualTo(status);
    assertThat(a.contentType()).startsWith("application/problem+json");
    assertThat(a.json().get("code").asString()).isEqualTo(code);
    assertThat(a.json().get("status").asInt()).isEqualTo(status);
    assertThat(a.json().get("detail").asString()).isNotBlank();
    assertThat(a.body()).doesNotContain("Exception").doesNotContain("\tat ");
    assertThat(tableVersion()).isEqualTo(before);
    assertThat(service.get("/v1/collections/articles").json().get("documents").asLong())
        .isEqualTo(3);
  }

  @org.junit.jupiter.api.Test
  void wrongMediaTypeIsRefused() throws Exception {
    Answer a =
        service.send(
            "POST", "/v1/collections/articles/search", "{\"vector\": [1,0,0]}", "text/plain");
    assertThat(a.status()).isEqualTo(415);
    assertThat(a.json().get("code").asString()).isEqualTo("UNSUPPORTED_MEDIA_TYPE");
  }

  @org.junit.jupiter.api.Test
  void aBatchWithBadDocumentsNamesEachOne() throws Exception {
    Answer a =
        service.send(
            "POST",
            "/v1/collections/articles/documents",
            """
            {"documents": [{"id": "ok", "vectors": {"body": [1,0,0]}},
                           {"id": "short", "vectors": {"body": [1]}},
                           {"vectors": {"body": [1,0,0]}}]}\
            """);
    assertThat(a.status()).isEqualTo(400);
    var errors = a.json().get("errors");
    assertThat(errors.size()).isEqualTo(2);
    assertThat(errors.get(0).get("index").asInt()).isEqualTo(1);
    assertThat(errors.get(0).get("id").asString()).isEqualTo("short");
    assertThat(errors.get(0).get("field").asString()).isEqualTo("vectors.body");
    assertThat(errors.get(1).get("index").asInt()).isEqualTo(2);
    assertThat(errors.get(1).get("field").asString()).isEqualTo("id");
  }

  /**
   * Every operation that reads parameters, and some that read none: all refuse a malformed query
   * string.
   */
  static final List<String[]> OPERATIONS =
      List.of(
          new String[] {"GET", "/v1/collections", null},
          new String[] {"GET", "/v1/collections/articles", null},
          new String[] {"PUT", "/v1/collections/articles", LakeshelfServiceIT.COLLECTION},
          new String[] {"DELETE", "/v1/collections/spare", null},
          new String[] {"POST", "/v1/collections/articles/documents", doc("q", "[1,0,0]")},
          new String[] {
            "POST", "/v1/collections/articles/documents/delete", "{\"ids\": [\"doc-1\"]}"
          },
          new String[] {"GET", "/v1/collections/articles/documents/doc-1", null},
          new String[] {"DELETE", "/v1/collections/articles/documents/doc-1", null},
          new String[] {"GET", "/v1/collections/articles/documents/doc-1/images/0", null},
          new String[] {"POST", "/v1/collections/articles/search", "{\"vector\": [1,0,0]}"},
          new String[] {"POST", "/v1/admin/collections/articles/reindex", null},
          new String[] {"GET", "/v1/admin/jobs", null},
          new String[] {"GET", "/v1/admin/jobs/nope", null},
          new String[] {"DELETE", "/v1/admin/jobs/nope", null},
          new String[] {"GET", "/actuator/health", null},
          new String[] {"GET", "/actuator/info", null},
          new String[] {"GET", "/actuator/metrics", null},
          new String[] {"GET", "/v3/api-docs", null});

  static final List<String> MALFORMED_QUERIES =
      List.of(
          "=",
          "%%%",
          "include=%ff",
          "refresh=%ff",
          "purge=%C3",
          "a=%zz",
          "%ff=1",
          "a=1&=2",
          "reindex=%",
          "p=1&".repeat(1001));

  static Stream<Arguments> malformedQueries() {
    return OPERATIONS.stream()
        .flatMap(op -> MALFORMED_QUERIES.stream().map(q -> Arguments.of(op[0], op[1], op[2], q)));
  }

  @ParameterizedTest(name = "{0} {1} query {index}")
  @MethodSource("malformedQueries")
  void aMalformedQueryStringIsRefusedOnEveryEndpoint(
      String method, String path, String body, String query) throws Exception {
    long before = tableVersion();
    byte[] bytes = body == null ? null : body.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    Answer a =
        RawHttp.send(
            service.port,
            RawHttp.request(
                method,
                path + "?" + query,
                body == null ? "" : "Content-Type: application/json\r\n",
                bytes));
    assertProblem(a, 400, "INVALID_REQUEST");
    assertThat(a.json().get("detail").asString()).contains("query string");
    assertThat(tableVersion()).isEqualTo(before);
    assertThat(service.get("/v1/collections/spare").status()).isEqualTo(200);
    assertThat(service.get("/v1/collections/articles").json().get("documents").asLong())
        .isEqualTo(3);
  }

  static Stream<Arguments> refusedByTheWebServer() {
    String longTarget = "/v1/collections?q=" + "a".repeat(9000);
    return Stream.of(
        Arguments.of(
            "NUL in a path",
            RawHttp.request("GET", "/v1/collections/articles/documents/%00", "", null),
            400,
            "INVALID_REQUEST"),
        Arguments.of(
            "invalid UTF-8 escape in a path",
            RawHttp.request("GET", "/v1/collections/%ff", "", null),
            400,
            "INVALID_REQUEST"),
        Arguments.of(
            "raw byte 0xff in a path",
            RawHttp.request("GET", "/v1/collections/\u00ff", "", null),
            400,
            "INVALID_REQUEST"),
        Arguments.of(
            "malformed escape in a path",
            RawHttp.request("GET", "/v1/collections/%zz", "", null),
            400,
            "INVALID_REQUEST"),
        Arguments.of(
            "encoded slash between segments",
            RawHttp.request("GET", "/v1/collections%2Farticles", "", null),
            400,
            "INVALID_REQUEST"), // one spelling per path
        Arguments.of(
            "encoded slash in an id",
            RawHttp.request("GET", "/v1/collections/articles/documents/a%2Fb", "", null),
            404,
            "DOCUMENT_NOT_FOUND"),
        Arguments.of(
            "request line over 8 KB",
            RawHttp.request("GET", longTarget, "", null),
            400,
            "INVALID_REQUEST"),
        Arguments.of(
            "a header over 8 KB",
            RawHttp.request("GET", "/v1/collections", "X-Big: " + "b".repeat(9000) + "\r\n", null),
            400,
            "INVALID_REQUEST"),
        Arguments.of(
            "headers over 64 KB",
            RawHttp.request(
                "GET", "/v1/collections", ("X-Big: " + "b".repeat(4000) + "\r\n").repeat(17), null),
            400,
            "INVALID_REQUEST"),
        Arguments.of(
            "too many headers",
            RawHttp.request(
                "GET",
                "/v1/collections",
                java.util.stream.IntStream.range(0, 200)
                    .mapToObj(i -> "X-" + i + ": v\r\n")
                    .collect(java.util.stream.Collectors.joining()),
                null),
            400,
            "INVALID_REQUEST"),
        Arguments.of(
            "a header line without a colon",
            RawHttp.request("GET", "/v1/collections", "nonsense\r\n", null),
            400,
            "INVALID_REQUEST"),
        Arguments.of(
            "a bad Content-Length",
            RawHttp.request(
                "POST", "/v1/collections/articles/search", "Content-Length: x\r\n", null),
            400,
            "INVALID_REQUEST"),
        Arguments.of(
            "CONNECT",
            RawHttp.request("CONNECT", "localhost:443", "", null),
            405,
            "METHOD_NOT_ALLOWED"),
        Arguments.of(
            "TRACE",
            RawHttp.request("TRACE", "/v1/collections", "", null),
            405,
            "METHOD_NOT_ALLOWED"),
        Arguments.of(
            "TRACE of the error page",
            RawHttp.request("TRACE", "/error", "", null),
            405,
            "METHOD_NOT_ALLOWED"),
        Arguments.of("GET /error", RawHttp.request("GET", "/error", "", null), 404, "NOT_FOUND"),
        Arguments.of(
            "POST /error",
            RawHttp.request(
                "POST", "/error", "Content-Type: application/json\r\n", "{}".getBytes()),
            404,
            "NOT_FOUND"),
        Arguments.of(
            "an HTTP version that is not 1.x",
            "GET /v1/collections HTTP/2.5\r\nHost: localhost\r\nConnection: close\r\n\r\n"
                .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1),
            400,
            "INVALID_REQUEST"),
        Arguments.of(
            "a request line that is not HTTP",
            "GARBAGE\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1),
            400,
            "INVALID_REQUEST"),
        Arguments.of(
            "a body that is not UTF-8",
            RawHttp.request(
                "POST",
                "/v1/collections/articles/search",
                "Content-Type: application/json\r\n",
                new byte[] {
                  '{', '"', 't', 'e', 'x', 't', '"', ':', '"', (byte) 0xff, (byte) 0xfe, '"', '}'
                }),
            400,
            "INVALID_REQUEST"),
        Arguments.of(
            "a malformed form body",
            RawHttp.request(
                "PUT",
                "/v1/collections/spare",
                "Content-Type: application/x-www-form-urlencoded\r\n",
                "%%%=%ff".getBytes()),
            415,
            "UNSUPPORTED_MEDIA_TYPE"),
        Arguments.of(
            "a form body where JSON belongs",
            RawHttp.request(
                "POST",
                "/v1/collections/articles/documents",
                "Content-Type: application/x-www-form-urlencoded\r\n",
                "documents=%zz".getBytes()),
            415,
            "UNSUPPORTED_MEDIA_TYPE"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusedByTheWebServer")
  void whatTheWebServerRefusesIsProblemJsonWithACode(
      String what, byte[] request, int status, String code) throws Exception {
    long before = tableVersion();
    Answer a = RawHttp.send(service.port, request);
    assertThat(a.status()).as("%s: %s", what, a.body()).isEqualTo(status);
    assertProblem(a, status, code);
    assertThat(tableVersion()).isEqualTo(before);
    assertThat(service.get("/v1/collections/spare").status()).isEqualTo(200);
  }

  /**
   * Dot products are sums of float products: a vector of a {@code dot} collection must have a
   * Euclidean norm of at most 1e19, at ingest and in a search, so that every score is a finite
   * number (at most 1e38 in magnitude, below Float.MAX_VALUE).
   */
  @org.junit.jupiter.api.Test
  void dotProductsThatWouldOverflowAreRefusedAndScoresAreNumbers() throws Exception {
    String docs = "/v1/collections/dots/documents";
    Answer tooBig = service.send("POST", docs, doc("huge", "[3e38, 3e38, 0]"));
    assertProblem(tooBig, 400, "INVALID_REQUEST");
    assertThat(tooBig.json().get("errors").get(0).get("reason").asString()).contains("norm");
    assertThat(service.send("POST", docs, doc("edge", "[6e18, 8e18, 0]")).status()).isEqualTo(200);
    assertThat(service.send("POST", docs, doc("neg", "[-6e18, -8e18, 0]")).status()).isEqualTo(200);
    Answer overflowingQuery =
        service.send("POST", "/v1/collections/dots/search", "{\"vector\": [1e20, 0, 0]}");
    assertProblem(overflowingQuery, 400, "INVALID_REQUEST");
    Answer hits =
        service.send("POST", "/v1/collections/dots/search", "{\"vector\": [6e18, 8e18, 0]}");
    assertThat(hits.status()).as(hits.body()).isEqualTo(200);
    assertThat(hits.json().get("hits").size()).isEqualTo(2);
    for (var hit : hits.json().get("hits")) {
      assertThat(hit.get("score").isNumber()).as(hits.body()).isTrue();
      assertThat(Double.isFinite(hit.get("score").asDouble())).isTrue();
    }
    assertThat(hits.json().get("hits").get(0).get("score").asDouble())
        .isCloseTo(1e38, org.assertj.core.data.Percentage.withPercentage(0.1));
    assertThat(hits.json().get("hits").get(1).get("score").asDouble())
        .isCloseTo(-1e38, org.assertj.core.data.Percentage.withPercentage(0.1));
    // l2 needs no bound: a distance that overflows scores 1 / (1 + inf) = 0.
    assertThat(
            service
                .send("POST", "/v1/collections/far/documents", doc("f", "[3e38, 3e38, 3e38]"))
                .status())
        .isEqualTo(200);
    Answer far =
        service.send("POST", "/v1/collections/far/search", "{\"vector\": [-3e38, -3e38, -3e38]}");
    assertThat(far.status()).as(far.body()).isEqualTo(200);
    assertThat(far.json().get("hits").get(0).get("score").isNumber()).as(far.body()).isTrue();
  }

  static void assertProblem(Answer a, int status, String code) {
    assertThat(a.status()).as(a.body()).isEqualTo(status);
    assertThat(a.contentType()).as(a.body()).startsWith("application/problem+json");
    assertThat(a.json().get("code").asString()).as(a.body()).isEqualTo(code);
    assertThat(a.json().get("status").asInt()).isEqualTo(status);
    assertThat(a.json().get("detail").asString()).isNotBlank();
    assertThat(a.body()).doesNotContain("Exception").doesNotContain("\tat ");
  }

  private static long tableVersion() throws Exception {
    return service.get("/v1/collections/articles").json().get("tableVersion").asLong();
  }
}
