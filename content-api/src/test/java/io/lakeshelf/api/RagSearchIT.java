package io.lakeshelf.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakeshelf.api.RunningService.Answer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Search as a RAG pipeline uses it, over a small real-text corpus embedded by the bundled model on
 * ingest: questions by meaning, a product code by keywords, hybrid fusion, filters, time travel and
 * delete by filter, all over real HTTP.
 */
class RagSearchIT {

  @TempDir static Path dir;
  static RunningService service;
  static List<JsonNode> passages = new ArrayList<>();
  static List<JsonNode> questions = new ArrayList<>();
  static long firstVersion;

  static Path corpus() {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      Path c = p.resolve("src/e2e/resources/rag-corpus");
      if (Files.isDirectory(c)) {
        return c;
      }
    }
    throw new IllegalStateException(
        "no src/e2e/resources/rag-corpus above " + Path.of("").toAbsolutePath());
  }

  @BeforeAll
  static void start() throws Exception {
    for (String line : Files.readAllLines(corpus().resolve("passages.jsonl"))) {
      passages.add(RunningService.JSON.readTree(line));
    }
    for (String line : Files.readAllLines(corpus().resolve("questions.jsonl"))) {
      questions.add(RunningService.JSON.readTree(line));
    }
    service = RunningService.start(dir.resolve("data"));
    Answer created =
        service.send(
            "PUT",
            "/v1/collections/rag",
            """
            {"vectors": {"body": {"embed": "all-minilm-l6-v2", "similarity": "cosine"}},
             "filterable": ["metadata.group", "metadata.rank", "title"]}\
            """);
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    assertThat(created.json().get("vectors").get("body").get("dimensions").asInt()).isEqualTo(384);
    // two batches: the second is what time travel goes back before
    List<String> docs = new ArrayList<>();
    for (int i = 0; i < passages.size(); i++) {
      JsonNode p = passages.get(i);
      docs.add(
          "{\"id\": "
              + p.get("id")
              + ", \"title\": "
              + p.get("title")
              + ", \"text\": "
              + p.get("text")
              + ", \"metadata\": {\"group\": \""
              + (i % 2 == 0 ? "even" : "odd")
              + "\", \"rank\": \""
              + i
              + "\"}}");
    }
    int half = docs.size() / 2;
    Answer first =
        service.send(
            "POST",
            "/v1/collections/rag/documents",
            "{\"documents\": [" + String.join(",", docs.subList(0, half)) + "]}");
    assertThat(first.status()).as(first.body()).isEqualTo(200);
    firstVersion = first.json().get("tableVersion").asLong();
    Answer second =
        service.send(
            "POST",
            "/v1/collections/rag/documents",
            "{\"documents\": [" + String.join(",", docs.subList(half, docs.size())) + "]}");
    assertThat(second.status()).as(second.body()).isEqualTo(200);
  }

  @AfterAll
  static void stop() {
    service.close();
  }

  static List<String> ids(Answer a) {
    assertThat(a.status()).as(a.body()).isEqualTo(200);
    List<String> ids = new ArrayList<>();
    a.json().get("hits").forEach(h -> ids.add(h.get("id").asString()));
    return ids;
  }

  static Answer search(String body) throws Exception {
    return service.send("POST", "/v1/collections/rag/search", body);
  }

  @Test
  void everyQuestionFindsThePassageThatAnswersItWithoutSharingItsWords() throws Exception {
    for (JsonNode q : questions) {
      List<String> ids = ids(search("{\"text\": " + q.get("question") + ", \"k\": 3}"));
      assertThat(ids)
          .as(q.get("question").asString())
          .first()
          .isEqualTo(q.get("answerId").asString());
    }
  }

  @Test
  void aProductCodeIsFoundByKeywordAndHybridWhereVectorSearchMissesIt() throws Exception {
    assertThat(ids(search("{\"text\": \"XR-4471\", \"k\": 3}")))
        .first()
        .isNotEqualTo("xr4471-descaling");
    assertThat(ids(search("{\"text\": \"XR-4471\", \"k\": 3, \"mode\": \"keyword\"}")))
        .first()
        .isEqualTo("xr4471-descaling");
    assertThat(ids(search("{\"text\": \"XR-4471\", \"k\": 3, \"mode\": \"hybrid\"}")))
        .first()
        .isEqualTo("xr4471-descaling");
  }

  @Test
  void filtersApplyInEveryMode() throws Exception {
    for (String mode : List.of("vector", "keyword", "hybrid")) {
      Answer a =
          search(
              "{\"text\": \"espresso machine descaling XR-4471\", \"k\": 20, \"mode\": \""
                  + mode
                  + "\", \"include\": [\"metadata\"], \"filter\": {\"field\": \"metadata.group\","
                  + " \"eq\": \"odd\"}}");
      assertThat(ids(a)).as(mode).isNotEmpty();
      a.json()
          .get("hits")
          .forEach(
              h ->
                  assertThat(h.get("document").get("metadata").get("group").asString())
                      .as(mode)
                      .isEqualTo("odd"));
    }
    Answer not =
        search(
            "{\"text\": \"water\", \"k\": 44, \"include\": [\"metadata\"], \"filter\": {\"not\":"
                + " {\"field\": \"metadata.rank\", \"in\": [\"0\", \"1\", \"2\"]}}}");
    assertThat(ids(not))
        .hasSize(passages.size() - 3)
        .doesNotContain(
            passages.get(0).get("id").asString(),
            passages.get(1).get("id").asString(),
            passages.get(2).get("id").asString());
  }

  @Test
  void badFiltersAnswer400WithTheirCodes() throws Exception {
    // An undeclared column is not filterable; an undeclared metadata key is (and matches nothing).
    Answer unknown = search("{\"text\": \"x\", \"filter\": {\"field\": \"nope\", \"eq\": \"a\"}}");
    assertThat(unknown.status()).isEqualTo(400);
    assertThat(unknown.json().get("code").asString()).isEqualTo("FIELD_NOT_FILTERABLE");
    Answer undeclaredKey =
        search("{\"text\": \"x\", \"filter\": {\"field\": \"metadata.nope\", \"eq\": \"a\"}}");
    assertThat(undeclaredKey.status()).isEqualTo(200);
    assertThat(undeclaredKey.json().get("hits")).isEmpty();
    Answer wrongType = search("{\"text\": \"x\", \"filter\": {\"field\": \"title\", \"eq\": 3}}");
    assertThat(wrongType.json().get("code").asString()).isEqualTo("INVALID_FILTER");
    String deep = "{\"field\": \"title\", \"eq\": \"a\"}";
    for (int i = 0; i < 9; i++) {
      deep = "{\"not\": " + deep + "}";
    }
    Answer tooDeep = search("{\"text\": \"x\", \"filter\": " + deep + "}");
    assertThat(tooDeep.status()).isEqualTo(400);
    assertThat(tooDeep.json().get("code").asString()).isEqualTo("INVALID_FILTER");
    assertThat(tooDeep.json().get("detail").asString()).contains("max-filter-depth");
    Answer badField =
        service.send(
            "PUT",
            "/v1/collections/badfilter",
            "{\"vectors\": {\"body\": {\"dimensions\": 3}}, \"filterable\": [\"nope\"]}");
    assertThat(badField.status()).isEqualTo(400);
    assertThat(badField.json().get("code").asString()).isEqualTo("FIELD_NOT_FILTERABLE");
    assertThat(service.get("/v1/collections/badfilter").status()).isEqualTo(404);
  }

  @Test
  void timeTravelSearchesTheTableAsItWasAndRefusesVersionsItNeverHad() throws Exception {
    // the first batch held the even-indexed half; the question about a passage of the second
    // batch finds it now, and not as of the first version
    JsonNode late = passages.get(passages.size() - 1);
    String body = "{\"text\": " + late.get("title") + ", \"k\": 44";
    assertThat(ids(search(body + "}"))).first().isEqualTo(late.get("id").asString());
    Answer past = search(body + ", \"asOfVersion\": " + firstVersion + "}");
    assertThat(ids(past)).hasSize(passages.size() / 2).doesNotContain(late.get("id").asString());
    assertThat(past.json().get("tableVersion").asLong()).isEqualTo(firstVersion);
    Answer future = search(body + ", \"asOfVersion\": 999}");
    assertThat(future.status()).isEqualTo(404);
    assertThat(future.json().get("code").asString()).isEqualTo("VERSION_NOT_AVAILABLE");
  }

  @Test
  void theInfoEndpointNamesTheModel() throws Exception {
    JsonNode info = service.get("/actuator/info").json().get("lakeshelf").get("embeddingModels");
    assertThat(info.get("offered").toString()).contains("all-minilm-l6-v2");
    assertThat(info.get("loaded").toString()).contains("all-minilm-l6-v2");
  }

  @Test
  void textNeedsAModelAndKeywordModeNeedsText() throws Exception {
    service.send("PUT", "/v1/collections/plain", "{\"vectors\": {\"body\": {\"dimensions\": 3}}}");
    Answer noModel = service.send("POST", "/v1/collections/plain/search", "{\"text\": \"hello\"}");
    assertThat(noModel.status()).isEqualTo(400);
    assertThat(noModel.json().get("detail").asString()).contains("embedding model");
    Answer keywordWithoutText = search("{\"vector\": [1], \"mode\": \"keyword\"}");
    assertThat(keywordWithoutText.status()).isEqualTo(400);
  }

  @Test
  void deleteByFilterRemovesExactlyTheMatchingDocumentsInOneCommit() throws Exception {
    service.send(
        "PUT",
        "/v1/collections/del",
        """
        {"vectors": {"body": {"dimensions": 3}}, "filterable": ["metadata.kind"]}\
        """);
    Answer ingest =
        service.send(
            "POST",
            "/v1/collections/del/documents",
            """
            {"documents": [
              {"id": "a", "vectors": {"body": [1, 0, 0]}, "metadata": {"kind": "draft"}},
              {"id": "b", "vectors": {"body": [0, 1, 0]}, "metadata": {"kind": "final"}},
              {"id": "c", "vectors": {"body": [0, 0, 1]}, "metadata": {"kind": "draft"}}]}\
            """);
    long v = ingest.json().get("tableVersion").asLong();
    Answer deleted =
        service.send(
            "POST",
            "/v1/collections/del/documents/delete",
            "{\"filter\": {\"field\": \"metadata.kind\", \"eq\": \"draft\"}}");
    assertThat(deleted.status()).as(deleted.body()).isEqualTo(200);
    assertThat(deleted.json().get("deleted").asLong()).isEqualTo(2);
    assertThat(deleted.json().get("tableVersion").asLong()).isEqualTo(v + 1);
    assertThat(
            ids(
                service.send(
                    "POST", "/v1/collections/del/search", "{\"vector\": [1, 1, 1], \"k\": 5}")))
        .containsExactly("b");
  }

  @Test
  void aQuantizedVectorServesAndChangingItsQuantizationNeedsAReindex() throws Exception {
    String int8 = "{\"vectors\": {\"body\": {\"dimensions\": 3, \"quantization\": \"int8\"}}}";
    Answer created = service.send("PUT", "/v1/collections/quant", int8);
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    assertThat(created.json().get("vectors").get("body").get("quantization").asString())
        .isEqualTo("int8");
    assertThat(
            service
                .send("POST", "/v1/collections/quant/documents", LakeshelfServiceIT.THREE_DOCS)
                .status())
        .isEqualTo(200);
    assertThat(
            ids(
                service.send(
                    "POST", "/v1/collections/quant/search", "{\"vector\": [1, 0, 0], \"k\": 1}")))
        .containsExactly("doc-1");
    String bbq = int8.replace("int8", "bbq");
    Answer refused = service.send("PUT", "/v1/collections/quant", bbq);
    assertThat(refused.status()).isEqualTo(409);
    assertThat(refused.json().get("code").asString()).isEqualTo("REINDEX_REQUIRED");
    Answer changed = service.send("PUT", "/v1/collections/quant?reindex=true", bbq);
    assertThat(changed.status()).as(changed.body()).isEqualTo(200);
    assertThat(
            ids(
                service.send(
                    "POST", "/v1/collections/quant/search", "{\"vector\": [1, 0, 0], \"k\": 1}")))
        .containsExactly("doc-1");
    Answer unknown = service.send("PUT", "/v1/collections/quant2", int8.replace("int8", "int2"));
    assertThat(unknown.status()).isEqualTo(400);
  }

  @Test
  void twoNamedVectorsAreSearchedWithUsingOneEmbeddedOneSent() throws Exception {
    Answer created =
        service.send(
            "PUT",
            "/v1/collections/multi",
            """
            {"vectors": {"body": {"embed": "all-minilm-l6-v2"},
                         "image": {"column": "image_embedding", "dimensions": 4, "similarity": "dot"}},
             "filterable": ["metadata.kind"]}\
            """);
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    Answer ingest =
        service.send(
            "POST",
            "/v1/collections/multi/documents",
            """
            {"documents": [
              {"id": "cat", "text": "A small domesticated feline that purrs.", "vectors": {"image": [1, 0, 0, 0]},
               "metadata": {"kind": "animal"}},
              {"id": "car", "text": "A road vehicle with four wheels and an engine.", "vectors": {"image": [0, 1, 0, 0]},
               "metadata": {"kind": "machine"}}]}\
            """);
    assertThat(ingest.status()).as(ingest.body()).isEqualTo(200);
    assertThat(
            ids(
                service.send(
                    "POST",
                    "/v1/collections/multi/search",
                    "{\"text\": \"an automobile\", \"using\": \"body\", \"k\": 1}")))
        .containsExactly("car");
    assertThat(
            ids(
                service.send(
                    "POST",
                    "/v1/collections/multi/search",
                    "{\"vector\": [0.9, 0.1, 0, 0], \"using\": \"image\", \"k\": 1}")))
        .containsExactly("cat");
    assertThat(
            ids(
                service.send(
                    "POST",
                    "/v1/collections/multi/search",
                    "{\"vector\": [0.9, 0.1, 0, 0], \"using\": \"image\", \"k\": 2,"
                        + " \"filter\": {\"field\": \"metadata.kind\", \"eq\": \"machine\"}}")))
        .containsExactly("car");
    Answer noModel =
        service.send(
            "POST", "/v1/collections/multi/search", "{\"text\": \"cat\", \"using\": \"image\"}");
    assertThat(noModel.status()).isEqualTo(400);
  }
}
