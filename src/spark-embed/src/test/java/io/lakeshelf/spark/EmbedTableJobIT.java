package io.lakeshelf.spark;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.delta.tables.DeltaTable;
import io.lakeshelf.content.testing.Fixtures;
import io.lakeshelf.index.embed.MiniLmEmbedder;
import io.lakeshelf.spark.ServiceProcess.Answer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job on real Spark ({@code local[2]}) over a copy of the Spark-written content table (column
 * mapping by name, deletion vectors, partitions, checkpoints): it fills a new column with the
 * service's vectors, reruns as a no-op, re-embeds exactly the rows whose text changed, and the
 * service (a child process on JDK 25) serves the result with text queries finding their rows.
 */
class EmbedTableJobIT {

  private static final int LIVE_ROWS = 384;

  private static SparkSession spark;
  private static MiniLmEmbedder reference;

  /**
   * The reference vectors of the fixture's rows by composed text (from Spark's own JSON of its live
   * rows), computed while the job runs.
   */
  private static CompletableFuture<Map<String, float[]>> fixtureVectors;

  @TempDir Path dir;

  @BeforeAll
  static void startSpark() {
    spark =
        SparkSession.builder()
            .master("local[2]")
            .appName("EmbedTableJobIT")
            .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
            .config(
                "spark.sql.catalog.spark_catalog",
                "org.apache.spark.sql.delta.catalog.DeltaCatalog")
            .config("spark.ui.enabled", "false")
            .config("spark.driver.host", "127.0.0.1")
            .config("spark.driver.bindAddress", "127.0.0.1")
            .config("spark.sql.shuffle.partitions", "2")
            .config("spark.databricks.delta.snapshotPartitions", "1")
            .getOrCreate();
    // The service's embedder, loaded apart from the job's: the vectors each row must have.
    reference = MiniLmEmbedder.load();
    fixtureVectors =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                List<String> texts = new ArrayList<>();
                Path live = Fixtures.root().resolve("spark-content-table/expected/live_rows.jsonl");
                for (String line : Files.readAllLines(live)) {
                  JsonNode row = ServiceProcess.JSON.readTree(line);
                  texts.add(
                      SourceText.compose(Arrays.asList(text(row, "title"), text(row, "body"))));
                }
                float[][] vectors = reference.embed(texts);
                Map<String, float[]> byText = new HashMap<>();
                for (int i = 0; i < vectors.length; i++) {
                  byText.put(texts.get(i), vectors[i]);
                }
                return byText;
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            });
  }

  private static String text(JsonNode row, String field) {
    JsonNode value = row.get(field);
    return value == null || value.isNull() ? null : value.asText();
  }

  @AfterAll
  static void stopSpark() {
    if (spark != null) {
      spark.stop();
    }
    if (reference != null) {
      reference.close();
    }
  }

  @Test
  void fillsTheColumnIncrementallyAndTheServiceServesIt() throws Exception {
    Path table = Fixtures.copy("spark-content-table/table", dir);
    String path = table.toString();
    JobOptions options =
        JobOptions.parse(
            "--table", path,
            "--id-column", "doc_id",
            "--text-columns", "title,body",
            "--vector-column", "body_minilm",
            "--batch-size", "32");

    // First run: every live row has text, so every one is embedded; one MERGE.
    long before = version(path);
    Summary first = EmbedTableJob.run(spark, options);
    assertThat(first.scanned()).isEqualTo(LIVE_ROWS);
    assertThat(first.embedded()).isEqualTo(LIVE_ROWS);
    assertThat(first.updated()).isEqualTo(LIVE_ROWS);
    assertThat(first.unchanged()).isZero();
    assertThat(first.committed()).isTrue();
    // ALTER TABLE ADD COLUMNS, then the MERGE.
    assertThat(first.commitVersion()).isEqualTo(before + 2).isEqualTo(version(path));
    assertThat(operation(path, first.commitVersion())).isEqualTo("MERGE");
    assertThat(first.line())
        .contains("rows scanned 384, rows embedded 384", "committed version " + (before + 2));
    Map<String, Row> rows = rows(path);
    assertThat(rows).hasSize(LIVE_ROWS);
    assertSameVectorsAsTheService(rows.values());

    // Nothing changed: nothing to do, no commit.
    Summary second = EmbedTableJob.run(spark, options);
    assertThat(second.committed()).isFalse();
    assertThat(second.embedded()).isZero();
    assertThat(second.unchanged()).isEqualTo(LIVE_ROWS);
    assertThat(second.tableVersion()).isEqualTo(first.commitVersion()).isEqualTo(version(path));
    assertThat(second.line()).contains("nothing to do");

    // One body changes (an UPDATE, written as a deletion vector and a new file): exactly that row
    // is embedded again; another row loses its text: its vector is cleared.
    String newBody = "a lighthouse keeper logs storms over the northern harbor every night";
    spark.sql("UPDATE delta.`" + path + "` SET body = '" + newBody + "' WHERE doc_id = 'doc-9'");
    spark.sql("UPDATE delta.`" + path + "` SET title = NULL, body = '  ' WHERE doc_id = 'doc-10'");
    Summary third = EmbedTableJob.run(spark, options);
    assertThat(third.embedded()).isEqualTo(1);
    assertThat(third.cleared()).isEqualTo(1);
    assertThat(third.updated()).isEqualTo(2);
    assertThat(third.unchanged()).isEqualTo(LIVE_ROWS - 2);
    assertThat(third.commitVersion()).isEqualTo(first.commitVersion() + 3);
    Map<String, Row> after = rows(path);
    assertThat(after.get("doc-9").getString(2)).isEqualTo(newBody);
    assertThat(after.get("doc-10").isNullAt(3)).isTrue();
    assertThat(after.get("doc-10").isNullAt(4)).isTrue();
    assertSameVectorsAsTheService(List.of(after.get("doc-9")));
    for (Map.Entry<String, Row> e : after.entrySet()) {
      if (!e.getKey().equals("doc-9") && !e.getKey().equals("doc-10")) {
        assertThat(e.getValue().getList(3))
            .as("%s is not embedded again", e.getKey())
            .isEqualTo(rows.get(e.getKey()).getList(3));
      }
    }
    // The row without text stays so: nothing to do again.
    Summary fourth = EmbedTableJob.run(spark, options);
    assertThat(fourth.committed()).isFalse();
    assertThat(fourth.withoutText()).isEqualTo(1);

    servedByTheService(table, after);
  }

  /** The service serves the table as an external collection; its text queries find the rows. */
  private void servedByTheService(Path table, Map<String, Row> rows) throws Exception {
    Path jdk = ServiceProcess.jdk();
    Assumptions.assumeTrue(
        jdk != null,
        "no JDK 25 (-Dlakeshelf.service.jdk or /usr/lib/jvm/temurin-25*): the service part is"
            + " skipped");
    Path jar = ServiceProcess.jar();
    System.out.println("EmbedTableJobIT: the service is " + jar + " on " + jdk);
    try (ServiceProcess service = ServiceProcess.start(jdk, jar, dir.resolve("service"))) {
      String collection =
          """
          {"mode": "external", "table": "%s",
           "columns": {"id": "doc_id", "title": "title", "text": "body"},
           "vectors": {"body": {"column": "body_minilm", "dimensions": 384,
                                "similarity": "cosine", "embed": "all-minilm-l6-v2"}}}\
          """
              .formatted(table);
      Answer created = service.send("PUT", "/v1/collections/articles", collection);
      assertThat(created.status()).as(created.body()).isEqualTo(201);
      JsonNode ready = awaitReady(service, "articles");
      assertThat(ready.get("tableVersion").asLong()).isEqualTo(version(table.toString()));
      // doc-10 has no text and so no vector: not indexed.
      assertThat(ready.get("documents").asLong()).as(ready.toString()).isEqualTo(LIVE_ROWS - 1);
      rows.remove("doc-10");

      // A row's exact text finds that row first; its body alone finds it in the top ten.
      List<String> ids = new ArrayList<>(List.of("doc-9", "doc-1", "doc-42", "doc-200"));
      ids.retainAll(rows.keySet());
      assertThat(ids).hasSizeGreaterThanOrEqualTo(3);
      for (String id : ids) {
        Row row = rows.get(id);
        String text = SourceText.compose(Arrays.asList(row.getString(1), row.getString(2)));
        List<String> exact = search(service, text);
        assertThat(exact).as("query: the text of %s", id).first().isEqualTo(id);
        assertThat(search(service, row.getString(2))).as("query: the body of %s", id).contains(id);
      }
      assertThat(search(service, "lighthouse keeper storms harbor")).first().isEqualTo("doc-9");
    }
  }

  private static List<String> search(ServiceProcess service, String text) throws Exception {
    String body = "{\"text\": " + ServiceProcess.JSON.writeValueAsString(text) + ", \"k\": 10}";
    Answer answer = service.send("POST", "/v1/collections/articles/search", body);
    assertThat(answer.status()).as(answer.body()).isEqualTo(200);
    List<String> ids = new ArrayList<>();
    answer.json().get("hits").forEach(h -> ids.add(h.get("id").asText()));
    return ids;
  }

  private static JsonNode awaitReady(ServiceProcess service, String name) throws Exception {
    Answer last = null;
    for (int i = 0; i < 600; i++) {
      last = service.send("GET", "/v1/collections/" + name, null);
      if (last.status() == 200 && last.json().get("status").asText().equals("ready")) {
        return last.json();
      }
      Thread.sleep(100);
    }
    throw new AssertionError(
        name + " never became ready: " + last + "\nservice output:\n" + service.output());
  }

  /** Each row's vector is the service embedder's for its composed text; its hash, the text's. */
  private static void assertSameVectorsAsTheService(Iterable<Row> rows) {
    List<Row> list = new ArrayList<>();
    List<String> texts = new ArrayList<>();
    for (Row row : rows) {
      list.add(row);
      texts.add(SourceText.compose(Arrays.asList(row.getString(1), row.getString(2))));
    }
    Map<String, float[]> known = fixtureVectors.join();
    List<String> unknown = texts.stream().filter(t -> !known.containsKey(t)).toList();
    float[][] more = reference.embed(unknown);
    float[][] expected = new float[texts.size()][];
    for (int i = 0, u = 0; i < texts.size(); i++) {
      expected[i] = known.containsKey(texts.get(i)) ? known.get(texts.get(i)) : more[u++];
    }
    for (int i = 0; i < list.size(); i++) {
      Row row = list.get(i);
      String id = row.getString(0);
      assertThat(row.isNullAt(3)).as("%s has a vector", id).isFalse();
      List<Float> vector = row.getList(3);
      assertThat(vector).as(id).hasSize(MiniLmEmbedder.DIMENSIONS);
      assertThat(cosine(vector, expected[i]))
          .as("cosine of %s", id)
          .isGreaterThanOrEqualTo(0.99999);
      assertThat(row.getString(4)).as(id).isEqualTo(SourceText.sha256(texts.get(i)));
    }
  }

  private static double cosine(List<Float> a, float[] b) {
    double dot = 0;
    double na = 0;
    double nb = 0;
    for (int i = 0; i < b.length; i++) {
      dot += (double) a.get(i) * b[i];
      na += (double) a.get(i) * a.get(i);
      nb += (double) b[i] * b[i];
    }
    return dot / Math.sqrt(na * nb);
  }

  /** The table's live rows by id: doc_id, title, body, body_minilm, body_minilm_source. */
  private static Map<String, Row> rows(String path) {
    Map<String, Row> rows = new HashMap<>();
    for (Row r :
        spark
            .read()
            .format("delta")
            .load(path)
            .select("doc_id", "title", "body", "body_minilm", "body_minilm_source")
            .collectAsList()) {
      assertThat(rows.put(r.getString(0), r)).isNull();
    }
    return rows;
  }

  private static long version(String path) {
    return DeltaTable.forPath(spark, path).history(1).first().getAs("version");
  }

  private static String operation(String path, long version) {
    return DeltaTable.forPath(spark, path)
        .history()
        .where("version = " + version)
        .first()
        .getAs("operation");
  }
}
