package io.lakeshelf.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakeshelf.api.RunningService.Answer;
import java.nio.file.Path;
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
    service = RunningService.start(
        dataDir,
        "--lakeshelf.limits.max-documents=5",
        "--lakeshelf.limits.max-request-size=64KB",
        "--lakeshelf.limits.max-k=50",
        "--lakeshelf.limits.max-dimensions=1024",
        "--lakeshelf.limits.max-text-length=1000");
    service.send("PUT", "/v1/collections/articles", LakeshelfServiceIT.COLLECTION);
    service.send("POST", "/v1/collections/articles/documents", LakeshelfServiceIT.THREE_DOCS);
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
    String sixDocs = "{\"documents\": [" + String.join(",", java.util.Collections.nCopies(6,
        "{\"id\": \"x\", \"vectors\": {\"body\": [1,0,0]}}")) + "]}";
    String huge = "{\"documents\": [{\"id\": \"big\", \"text\": \"" + "a".repeat(70_000)
        + "\", \"vectors\": {\"body\": [1,0,0]}}]}";
    return Stream.of(
        Arguments.of("malformed JSON", "POST", docs, "{\"documents\": [", 400, "INVALID_REQUEST"),
        Arguments.of("not JSON at all", "POST", search, "hello", 400, "INVALID_REQUEST"),
        Arguments.of("empty body", "POST", docs, "", 400, "INVALID_REQUEST"),
        Arguments.of("wrong type: documents", "POST", docs, "{\"documents\": 3}", 400, "INVALID_REQUEST"),
        Arguments.of("wrong type: vector values", "POST", docs, doc("x", "[\"a\", 0, 0]"), 400, "INVALID_REQUEST"),
        Arguments.of("wrong type: k", "POST", search, "{\"vector\": [1,0,0], \"k\": \"ten\"}", 400, "INVALID_REQUEST"),
        Arguments.of("fractional k", "POST", search, "{\"vector\": [1,0,0], \"k\": 2.5}", 400, "INVALID_REQUEST"),
        Arguments.of("unknown field", "POST", search, "{\"vector\": [1,0,0], \"kk\": 2}", 400, "INVALID_REQUEST"),
        Arguments.of("wrong dimensions on ingest", "POST", docs, doc("x", "[1, 0]"), 400, "DIMENSION_MISMATCH"),
        Arguments.of("wrong dimensions on search", "POST", search, "{\"vector\": [1, 0]}", 400, "DIMENSION_MISMATCH"),
        Arguments.of("NaN on ingest", "POST", docs, doc("x", "[NaN, 0, 0]"), 400, "INVALID_REQUEST"),
        Arguments.of("NaN on search", "POST", search, "{\"vector\": [NaN, 0, 0]}", 400, "INVALID_REQUEST"),
        Arguments.of("infinite on ingest", "POST", docs, doc("x", "[1e39, 0, 0]"), 400, "INVALID_REQUEST"),
        Arguments.of("infinite on search", "POST", search, "{\"vector\": [-1e39, 0, 0]}", 400, "INVALID_REQUEST"),
        Arguments.of("zero vector for cosine", "POST", docs, doc("x", "[0, 0, 0]"), 400, "INVALID_REQUEST"),
        Arguments.of("missing vector", "POST", docs, "{\"documents\": [{\"id\": \"x\"}]}", 400, "INVALID_REQUEST"),
        Arguments.of("unknown vector", "POST", docs,
            "{\"documents\": [{\"id\": \"x\", \"vectors\": {\"body\": [1,0,0], \"img\": [1]}}]}", 400, "INVALID_REQUEST"),
        Arguments.of("missing id", "POST", docs, "{\"documents\": [{\"vectors\": {\"body\": [1,0,0]}}]}", 400, "INVALID_REQUEST"),
        Arguments.of("duplicate ids", "POST", docs,
            "{\"documents\": [{\"id\": \"d\", \"vectors\": {\"body\": [1,0,0]}}, {\"id\": \"d\", \"vectors\": {\"body\": [0,1,0]}}]}",
            400, "INVALID_REQUEST"),
        Arguments.of("one bad document rejects the batch", "POST", docs,
            "{\"documents\": [{\"id\": \"ok\", \"vectors\": {\"body\": [1,0,0]}}, {\"id\": \"bad\", \"vectors\": {\"body\": [1]}}]}",
            400, "DIMENSION_MISMATCH"),
        Arguments.of("bad image", "POST", docs,
            "{\"documents\": [{\"id\": \"x\", \"images\": [{\"uri\": \"\"}], \"vectors\": {\"body\": [1,0,0]}}]}",
            400, "INVALID_REQUEST"),
        Arguments.of("negative image size", "POST", docs,
            "{\"documents\": [{\"id\": \"x\", \"images\": [{\"uri\": \"s3://b/k\", \"sizeBytes\": -1}], \"vectors\": {\"body\": [1,0,0]}}]}",
            400, "INVALID_REQUEST"),
        Arguments.of("empty batch", "POST", docs, "{\"documents\": []}", 400, "INVALID_REQUEST"),
        Arguments.of("oversized batch", "POST", docs, sixDocs, 413, "PAYLOAD_TOO_LARGE"),
        Arguments.of("body over the size limit", "POST", docs, huge, 413, "PAYLOAD_TOO_LARGE"),
        Arguments.of("k too small", "POST", search, "{\"vector\": [1,0,0], \"k\": 0}", 400, "INVALID_REQUEST"),
        Arguments.of("k too large", "POST", search, "{\"vector\": [1,0,0], \"k\": 1001}", 400, "INVALID_REQUEST"),
        Arguments.of("k above the configured limit", "POST", search, "{\"vector\": [1,0,0], \"k\": 51}", 400, "INVALID_REQUEST"),
        Arguments.of("more dimensions than the limit", "PUT", "/v1/collections/wide",
            "{\"vectors\": {\"v\": {\"dimensions\": 1025}}}", 400, "INVALID_REQUEST"),
        Arguments.of("text longer than the limit", "POST", docs,
            "{\"documents\": [{\"id\": \"x\", \"text\": \"" + "t".repeat(1001) + "\", \"vectors\": {\"body\": [1,0,0]}}]}",
            400, "INVALID_REQUEST"),
        Arguments.of("huge k", "POST", search, "{\"vector\": [1,0,0], \"k\": 99999999999}", 400, "INVALID_REQUEST"),
        Arguments.of("unknown field in a document", "POST", docs,
            "{\"documents\": [{\"id\": \"x\", \"color\": \"red\", \"vectors\": {\"body\": [1,0,0]}}]}", 400, "INVALID_REQUEST"),
        Arguments.of("wrong type: collection vectors", "PUT", "/v1/collections/c3", "{\"vectors\": [1, 2]}", 400, "INVALID_REQUEST"),
        Arguments.of("malformed reindex path", "POST", "/v1/admin/collections/articles/reindex/now", null, 404, "NOT_FOUND"),
        Arguments.of("unknown job", "DELETE", "/v1/admin/jobs/nope", null, 404, "JOB_NOT_FOUND"),
        Arguments.of("unknown include", "POST", search, "{\"vector\": [1,0,0], \"include\": [\"secrets\"]}", 400, "INVALID_REQUEST"),
        Arguments.of("unknown using", "POST", search, "{\"vector\": [1,0,0], \"using\": \"image\"}", 400, "INVALID_REQUEST"),
        Arguments.of("no vector", "POST", search, "{\"k\": 3}", 400, "INVALID_REQUEST"),
        Arguments.of("unknown collection: search", "POST", "/v1/collections/nope/search", "{\"vector\": [1,0,0]}", 404, "COLLECTION_NOT_FOUND"),
        Arguments.of("unknown collection: ingest", "POST", "/v1/collections/nope/documents", doc("x", "[1,0,0]"), 404, "COLLECTION_NOT_FOUND"),
        Arguments.of("unknown collection: get", "GET", "/v1/collections/nope", null, 404, "COLLECTION_NOT_FOUND"),
        Arguments.of("unknown document: get", "GET", docs + "/nope", null, 404, "DOCUMENT_NOT_FOUND"),
        Arguments.of("unknown document: delete", "DELETE", docs + "/nope", null, 404, "DOCUMENT_NOT_FOUND"),
        Arguments.of("bad collection name", "PUT", "/v1/collections/Bad_Name", LakeshelfServiceIT.COLLECTION, 400, "INVALID_REQUEST"),
        Arguments.of("collection without vectors", "PUT", "/v1/collections/empty", "{\"vectors\": {}}", 400, "INVALID_REQUEST"),
        Arguments.of("bad similarity", "PUT", "/v1/collections/c2", "{\"vectors\": {\"v\": {\"dimensions\": 3, \"similarity\": \"manhattan\"}}}", 400, "INVALID_REQUEST"),
        Arguments.of("bad dimensions", "PUT", "/v1/collections/c2", "{\"vectors\": {\"v\": {\"dimensions\": 0}}}", 400, "INVALID_REQUEST"),
        Arguments.of("dimension change without reindex", "PUT", "/v1/collections/articles",
            "{\"vectors\": {\"body\": {\"dimensions\": 4, \"similarity\": \"cosine\"}}}", 409, "REINDEX_REQUIRED"),
        Arguments.of("delete without ids", "POST", docs + "/delete", "{}", 400, "INVALID_REQUEST"),
        Arguments.of("unknown endpoint", "GET", "/v1/nothing-here", null, 404, "NOT_FOUND"),
        Arguments.of("wrong method", "PATCH", "/v1/collections/articles", "{}", 405, "METHOD_NOT_ALLOWED"),
        Arguments.of("time travel", "POST", search, "{\"vector\": [1,0,0], \"asOfVersion\": 99}", 404, "VERSION_NOT_AVAILABLE"),
        Arguments.of("time travel before the table", "POST", search, "{\"vector\": [1,0,0], \"asOfVersion\": -1}", 404, "VERSION_NOT_AVAILABLE"),
        Arguments.of("unknown mode", "POST", search, "{\"vector\": [1,0,0], \"mode\": \"fuzzy\"}", 400, "INVALID_REQUEST"),
        Arguments.of("blank text", "POST", search, "{\"text\": \"  \", \"mode\": \"keyword\"}", 400, "INVALID_REQUEST"),
        Arguments.of("text without a model", "POST", search, "{\"text\": \"lakes\"}", 400, "INVALID_REQUEST"),
        Arguments.of("filter on an undeclared field", "POST", search,
            "{\"vector\": [1,0,0], \"filter\": {\"field\": \"lang\", \"eq\": \"en\"}}", 400, "FIELD_NOT_FILTERABLE"),
        Arguments.of("filter with an unknown operator", "POST", search,
            "{\"vector\": [1,0,0], \"filter\": {\"field\": \"lang\", \"like\": \"e%\"}}", 400, "INVALID_FILTER"),
        Arguments.of("filter that is not an object", "POST", search, "{\"vector\": [1,0,0], \"filter\": [1]}", 400, "INVALID_FILTER"),
        Arguments.of("filter with an empty and", "POST", search, "{\"vector\": [1,0,0], \"filter\": {\"and\": []}}", 400, "INVALID_FILTER"),
        Arguments.of("filter too deep", "POST", search, "{\"vector\": [1,0,0], \"filter\": "
            + "{\"not\": ".repeat(9) + "{\"field\": \"lang\", \"eq\": \"en\"}" + "}".repeat(9) + "}", 400, "INVALID_FILTER"),
        Arguments.of("delete by an undeclared field", "POST", docs + "/delete",
            "{\"filter\": {\"field\": \"lang\", \"eq\": \"en\"}}", 400, "FIELD_NOT_FILTERABLE"),
        Arguments.of("delete by ids and filter", "POST", docs + "/delete",
            "{\"ids\": [\"a\"], \"filter\": {\"field\": \"lang\", \"eq\": \"en\"}}", 400, "INVALID_REQUEST"),
        Arguments.of("unknown embedding model", "PUT", "/v1/collections/c4",
            "{\"vectors\": {\"v\": {\"embed\": \"gpt-embedder\"}}}", 400, "INVALID_REQUEST"),
        Arguments.of("model of other dimensions", "PUT", "/v1/collections/c4",
            "{\"vectors\": {\"v\": {\"embed\": \"all-minilm-l6-v2\", \"dimensions\": 3}}}", 400, "INVALID_REQUEST"),
        Arguments.of("unknown analyzer", "PUT", "/v1/collections/c4",
            "{\"vectors\": {\"v\": {\"dimensions\": 3}}, \"analyzer\": \"klingon\"}", 400, "INVALID_REQUEST"),
        Arguments.of("unknown quantization", "PUT", "/v1/collections/c4",
            "{\"vectors\": {\"v\": {\"dimensions\": 3, \"quantization\": \"int2\"}}}", 400, "INVALID_REQUEST"),
        Arguments.of("filterable column that does not exist", "PUT", "/v1/collections/c4",
            "{\"vectors\": {\"v\": {\"dimensions\": 3}}, \"filterable\": [\"colour\"]}", 400, "FIELD_NOT_FILTERABLE"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badRequests")
  void isRefusedWithProblemJsonAndNothingIsWritten(
      String what, String method, String path, String body, int status, String code) throws Exception {
    long before = tableVersion();
    Answer a = service.send(method, path, body);
    assertThat(a.status()).as(what + ": " + a.body()).isEqualTo(status);
    assertThat(a.contentType()).startsWith("application/problem+json");
    assertThat(a.json().get("code").asString()).isEqualTo(code);
    assertThat(a.json().get("status").asInt()).isEqualTo(status);
    assertThat(a.json().get("detail").asString()).isNotBlank();
    assertThat(a.body()).doesNotContain("Exception").doesNotContain("\tat ");
    assertThat(tableVersion()).isEqualTo(before);
    assertThat(service.get("/v1/collections/articles").json().get("documents").asLong()).isEqualTo(3);
  }

  @org.junit.jupiter.api.Test
  void wrongMediaTypeIsRefused() throws Exception {
    Answer a = service.send("POST", "/v1/collections/articles/search", "{\"vector\": [1,0,0]}", "text/plain");
    assertThat(a.status()).isEqualTo(415);
    assertThat(a.json().get("code").asString()).isEqualTo("UNSUPPORTED_MEDIA_TYPE");
  }

  @org.junit.jupiter.api.Test
  void aBatchWithBadDocumentsNamesEachOne() throws Exception {
    Answer a = service.send("POST", "/v1/collections/articles/documents", """
        {"documents": [{"id": "ok", "vectors": {"body": [1,0,0]}},
                       {"id": "short", "vectors": {"body": [1]}},
                       {"vectors": {"body": [1,0,0]}}]}""");
    assertThat(a.status()).isEqualTo(400);
    var errors = a.json().get("errors");
    assertThat(errors.size()).isEqualTo(2);
    assertThat(errors.get(0).get("index").asInt()).isEqualTo(1);
    assertThat(errors.get(0).get("id").asString()).isEqualTo("short");
    assertThat(errors.get(0).get("field").asString()).isEqualTo("vectors.body");
    assertThat(errors.get(1).get("index").asInt()).isEqualTo(2);
    assertThat(errors.get(1).get("field").asString()).isEqualTo("id");
  }

  private static long tableVersion() throws Exception {
    return service.get("/v1/collections/articles").json().get("tableVersion").asLong();
  }
}
