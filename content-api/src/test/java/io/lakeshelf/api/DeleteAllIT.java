package io.lakeshelf.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakeshelf.api.RunningService.Answer;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code POST …/documents/delete} with {@code {"all": true}}: every document goes in one commit,
 * beyond the {@code max-documents} that bounds a delete by ids or filter, the index follows, and
 * the collection takes writes again at once. What LangChain4j's {@code removeAll()} needs.
 */
class DeleteAllIT {

  @TempDir Path dataDir;

  @Test
  void deletesEveryDocumentInOneCommitBeyondTheFilterLimit() throws Exception {
    try (RunningService s = RunningService.start(dataDir, "--lakeshelf.limits.max-documents=100")) {
      assertThat(
              s.send("PUT", "/v1/collections/all", "{\"vectors\": {\"body\": {\"dimensions\": 2}}}")
                  .status())
          .isEqualTo(201);
      long version = 0;
      for (int batch = 0; batch < 3; batch++) {
        StringBuilder docs = new StringBuilder("{\"documents\": [");
        for (int i = 0; i < 100; i++) {
          int n = batch * 100 + i;
          docs.append(i == 0 ? "" : ",")
              .append("{\"id\": \"d")
              .append(n)
              .append("\", \"vectors\": {\"body\": [1, ")
              .append(n % 7)
              .append("]}, \"metadata\": {\"n\": ")
              .append(n)
              .append("}}");
        }
        Answer a = s.send("POST", "/v1/collections/all/documents", docs.append("]}").toString());
        assertThat(a.status()).as(a.body()).isEqualTo(200);
        version = a.json().get("tableVersion").asLong();
      }
      // A filter matching all 300 is over the limit.
      Answer tooMany =
          s.send(
              "POST",
              "/v1/collections/all/documents/delete",
              "{\"filter\": {\"field\": \"metadata.n\", \"gte\": 0}}");
      assertThat(tooMany.status()).isEqualTo(413);

      // Malformed: all false, all with ids, nothing.
      for (String bad :
          new String[] {"{\"all\": false}", "{\"all\": true, \"ids\": [\"d1\"]}", "{}"}) {
        Answer refused = s.send("POST", "/v1/collections/all/documents/delete", bad);
        assertThat(refused.status()).as(bad).isEqualTo(400);
        assertThat(refused.json().get("code").asString()).isEqualTo("INVALID_REQUEST");
      }
      assertThat(s.get("/v1/collections/all").json().get("documents").asLong()).isEqualTo(300);

      Answer all = s.send("POST", "/v1/collections/all/documents/delete", "{\"all\": true}");
      assertThat(all.status()).as(all.body()).isEqualTo(200);
      assertThat(all.json().get("deleted").asLong()).isEqualTo(300);
      assertThat(all.json().get("searchable").asBoolean()).isTrue();
      assertThat(all.json().get("tableVersion").asLong()).isEqualTo(version + 1);
      assertThat(s.get("/v1/collections/all").json().get("documents").asLong()).isZero();
      assertThat(s.get("/v1/collections/all/documents/d5").status()).isEqualTo(404);
      Answer none =
          s.send("POST", "/v1/collections/all/search", "{\"vector\": [1, 0], \"k\": 1000}");
      assertThat(none.json().get("hits")).isEmpty();

      // Deleting all of nothing commits nothing; writes go on at once.
      Answer again = s.send("POST", "/v1/collections/all/documents/delete", "{\"all\": true}");
      assertThat(again.json().get("deleted").asLong()).isZero();
      assertThat(again.json().get("tableVersion").asLong()).isEqualTo(version + 1);
      Answer back =
          s.send(
              "POST",
              "/v1/collections/all/documents",
              "{\"documents\": [{\"id\": \"d5\", \"vectors\": {\"body\": [1, 0]}}]}");
      assertThat(back.status()).isEqualTo(200);
      assertThat(s.get("/v1/collections/all/documents/d5").status()).isEqualTo(200);
    }
  }
}
