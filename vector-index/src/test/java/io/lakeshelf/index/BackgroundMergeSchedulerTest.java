package io.lakeshelf.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.lakeshelf.content.Similarity;
import io.lakeshelf.content.VectorSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.store.FSDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Index merges run at background priority: the nice value the merge thread itself has while it
 * merges (read from the operating system inside the merge, through the merged-segment warmer that
 * Lucene calls on the merge thread), and the scheduler the index's own writer is configured with.
 */
class BackgroundMergeSchedulerTest {

  @TempDir Path dir;

  @Test
  void theIndexWriterMergesWithTheBackgroundScheduler() throws Exception {
    VectorSpec spec = new VectorSpec("body", "body_embedding", 4, Similarity.COSINE);
    try (FSDirectory directory = FSDirectory.open(dir.resolve("index"))) {
      IndexStorage storage =
          new IndexStorage(dir.resolve("index"), directory, spec, IndexOptions.DEFAULT);
      IndexStorage.Opened opened = storage.openWriter(null);
      try (IndexWriter writer = opened.writer()) {
        IndexWriterConfig config = (IndexWriterConfig) writer.getConfig();
        assertThat(config.getMergeScheduler()).isInstanceOf(BackgroundMergeScheduler.class);
        // a commit does not wait for merges in the ingest request's time
        assertThat(config.getMaxFullFlushMergeWaitMillis()).isZero();
        writer.rollback();
      }
    }
  }

  @Test
  void mergeThreadsRunAtBackgroundPriority() throws Exception {
    assumeTrue(
        BackgroundPriority.available(), "per-thread nice needs Linux and a reachable C library");
    int callerNice = BackgroundPriority.currentNice();
    List<Integer> nicesInMerges = Collections.synchronizedList(new ArrayList<>());
    List<String> mergeThreads = Collections.synchronizedList(new ArrayList<>());
    IndexWriterConfig config = new IndexWriterConfig();
    config.setMergeScheduler(new BackgroundMergeScheduler());
    config.setMergedSegmentWarmer(
        reader -> {
          nicesInMerges.add(BackgroundPriority.currentNice());
          mergeThreads.add(Thread.currentThread().getName());
        });
    try (FSDirectory directory = FSDirectory.open(dir.resolve("lucene"));
        IndexWriter writer = new IndexWriter(directory, config)) {
      for (int segment = 0; segment < 4; segment++) {
        for (int i = 0; i < 20; i++) {
          Document doc = new Document();
          doc.add(new StringField("id", segment + "-" + i, Field.Store.NO));
          doc.add(
              new KnnFloatVectorField(
                  "v", new float[] {segment, i, 1, 2}, VectorSimilarityFunction.EUCLIDEAN));
          writer.addDocument(doc);
        }
        writer.flush();
      }
      writer.forceMerge(1, true);
    }
    assertThat(nicesInMerges).isNotEmpty();
    assertThat(nicesInMerges).allSatisfy(n -> assertThat(n).isEqualTo(BackgroundPriority.NICE));
    assertThat(mergeThreads).allSatisfy(t -> assertThat(t).startsWith("Lucene Merge Thread #"));
    // only the merge thread is lowered, not the thread that asked for the merge
    assertThat(BackgroundPriority.currentNice()).isEqualTo(callerNice);
  }
}
