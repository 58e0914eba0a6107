package io.lakeshelf.index.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakeshelf.content.Document;
import io.lakeshelf.content.Similarity;
import io.lakeshelf.content.VectorSpec;
import io.lakeshelf.content.storage.TableEngines;
import io.lakeshelf.content.table.ContentColumns;
import io.lakeshelf.content.table.ContentTable;
import io.lakeshelf.content.table.LiveFile;
import io.lakeshelf.content.table.TableSnapshot;
import io.lakeshelf.content.testing.TestDocuments;
import io.lakeshelf.index.TableUnreadableException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How one data file's rows reach the index writer. */
class FileIndexerTest {

  @TempDir Path dir;

  /**
   * A file's rows go to the writer as they are read, not held until the file ends: an index build
   * holds no more of a file than the writer's RAM buffer, whatever the file's size (a data file of
   * a million rows of 384 floats would otherwise take more than 1.5 GB of heap per build thread).
   * Seen here through a file whose last row is unusable: when it is found, the rows before it are
   * in the writer already (the sync then rolls the writer back, so nothing of the file stays).
   */
  @Test
  void rowsGoToTheWriterAsTheFileIsRead() throws Exception {
    VectorSpec spec = new VectorSpec("body", "body_embedding", 8, Similarity.COSINE);
    ContentTable table =
        ContentTable.createManaged(
            TableEngines.local(), dir.resolve("table").toString(), List.of(spec));
    Random random = new Random(7);
    List<Document> docs = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      // the last row's vector has 7 values: the index refuses the table there
      docs.add(TestDocuments.doc("d" + i, TestDocuments.randomVector(random, i < 999 ? 8 : 7)));
    }
    table.upsert(docs, (ids, version) -> Map.of());
    TableSnapshot snapshot = table.latest();
    LiveFile file = snapshot.liveFiles().values().iterator().next();

    try (ByteBuffersDirectory directory = new ByteBuffersDirectory();
        IndexWriter writer = new IndexWriter(directory, new IndexWriterConfig())) {
      FileIndexer indexer =
          new FileIndexer(writer, spec, snapshot, ContentColumns.MANAGED, List.of());
      assertThatThrownBy(() -> indexer.index(file, new AtomicLong(), new AtomicLong()))
          .isInstanceOf(TableUnreadableException.class)
          .hasMessageContaining("holds a vector of 7 values at row 999");
      assertThat(writer.getDocStats().maxDoc).isEqualTo(999);
    }
  }
}
