package io.lakeshelf.content.table;

import static io.lakeshelf.content.testing.TestDocuments.BODY_4D;
import static org.assertj.core.api.Assertions.assertThat;

import io.lakeshelf.content.Document;
import io.lakeshelf.content.storage.TableEngines;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.io.LocalInputFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The data files Lakeshelf writes carry no dictionary pages: embeddings, ids and texts never
 * repeat, and building a dictionary of them only to fall back to plain encoding was a fifth of an
 * ingest.
 */
class ParquetLayoutTest {

  @TempDir Path dir;

  @Test
  void dataFilesHaveNoDictionaryPages() throws Exception {
    ContentTable table =
        ContentTable.createManaged(
            TableEngines.local(), dir.resolve("t").toString(), List.of(BODY_4D));
    List<Document> docs = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      docs.add(
          new Document(
              "doc-" + i,
              "Title " + i,
              "Text " + i,
              List.of(),
              Map.of(BODY_4D.name(), new float[] {i, 1, 2, 3}),
              Map.of("lang", "en", "n", (long) i),
              null));
    }
    table.upsert(docs, (ids, version) -> Map.of());
    List<Path> files;
    try (Stream<Path> walk = Files.walk(dir.resolve("t"))) {
      files =
          walk.filter(p -> p.toString().endsWith(".parquet"))
              .filter(p -> !p.toString().contains("_delta_log"))
              .toList();
    }
    assertThat(files).isNotEmpty();
    int chunks = 0;
    for (Path f : files) {
      try (ParquetFileReader reader = ParquetFileReader.open(new LocalInputFile(f))) {
        for (BlockMetaData block : reader.getFooter().getBlocks()) {
          for (ColumnChunkMetaData column : block.getColumns()) {
            chunks++;
            assertThat(column.hasDictionaryPage())
                .as("%s of %s has a dictionary page", column.getPath(), f.getFileName())
                .isFalse();
          }
        }
      }
    }
    assertThat(chunks).isPositive();
    // and the rows read back as written
    assertThat(table.latest().liveFiles()).hasSize(files.size());
  }

  @Test
  void dataFilesHaveSmallPagesSoAPointReadFetchesLittle() throws Exception {
    ContentTable table =
        ContentTable.createManaged(
            TableEngines.local(), dir.resolve("p").toString(), List.of(BODY_4D));
    List<Document> docs = new ArrayList<>();
    for (int i = 0; i < 3000; i++) {
      docs.add(
          new Document(
              "doc-" + i,
              "Title " + i,
              ("Text " + i + " of a paragraph long enough to fill pages. ").repeat(20),
              List.of(),
              Map.of(BODY_4D.name(), new float[] {i, 1, 2, 3}),
              Map.of(),
              null));
    }
    table.upsert(docs, (ids, version) -> Map.of());
    Path file;
    try (Stream<Path> walk = Files.walk(dir.resolve("p"))) {
      file =
          walk.filter(p -> p.toString().endsWith(".parquet"))
              .filter(p -> !p.toString().contains("_delta_log"))
              .findFirst()
              .orElseThrow();
    }
    try (ParquetFileReader reader = ParquetFileReader.open(new LocalInputFile(file))) {
      for (BlockMetaData block : reader.getFooter().getBlocks()) {
        for (ColumnChunkMetaData column : block.getColumns()) {
          if (!column.getPath().toDotString().equals("text")) {
            continue;
          }
          var pages = reader.readOffsetIndex(column);
          // ~3 MB of text: many pages, none much above the page size (checked every 100 rows)
          assertThat(pages.getPageCount()).isGreaterThan(20);
          for (int p = 0; p < pages.getPageCount(); p++) {
            assertThat(pages.getCompressedPageSize(p))
                .as("page %d of the text column", p)
                .isLessThanOrEqualTo(2 * TableEngines.PAGE_SIZE);
          }
        }
      }
    }
  }
}
