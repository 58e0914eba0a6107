package io.lakeshelf.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.lucene104.Lucene104Codec;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsFormat;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.index.TieredMergePolicy;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.FSDirectory;

/**
 * Plain Lucene HNSW over the same vectors, in the benchmark's JVM: the anchor Lakeshelf's search
 * and index build are compared with. It uses what Lakeshelf's index uses for an unquantized cosine
 * vector (the default codec with {@code Lucene99HnswVectorsFormat} at Lucene's defaults, M 16 and
 * beam width 100; unit vectors under {@code DOT_PRODUCT}; a 64 MB RAM buffer and a {@code
 * TieredMergePolicy}) and nothing else: no id, locator or marker documents, no table, no join. A
 * search asks {@code KnnFloatVectorQuery} for {@code candidates} and keeps the best {@code k}, as
 * Lakeshelf does.
 */
final class RawLuceneAnchor implements AutoCloseable {

  static final String FIELD = "vector";
  private static final String ORD = "ord";

  private final FSDirectory directory;
  private DirectoryReader reader;
  private IndexSearcher searcher;
  private int[] ordOfDoc;

  private RawLuceneAnchor(FSDirectory directory) {
    this.directory = directory;
  }

  /** Timings of {@link #build}, in nanoseconds. */
  record Build(long addAndCommitNanos, long forceMergeNanos, int segmentsBeforeMerge) {}

  /**
   * Indexes {@code vectors} (unit length) in {@code dir} on the calling thread and commits, then
   * force-merges to one segment; both timed apart.
   */
  static RawLuceneAnchor build(Path dir, float[][] vectors, int count, Build[] timings)
      throws IOException {
    FSDirectory directory = FSDirectory.open(dir);
    IndexWriterConfig config = new IndexWriterConfig();
    KnnVectorsFormat format = new Lucene99HnswVectorsFormat(16, 100);
    config.setCodec(
        new Lucene104Codec() {
          @Override
          public KnnVectorsFormat getKnnVectorsFormatForField(String field) {
            return format;
          }
        });
    config.setRAMBufferSizeMB(64);
    config.setMergePolicy(new TieredMergePolicy());
    config.setOpenMode(IndexWriterConfig.OpenMode.CREATE);
    long t0 = System.nanoTime();
    int segments;
    long merge;
    try (IndexWriter writer = new IndexWriter(directory, config)) {
      for (int i = 0; i < count; i++) {
        Document d = new Document();
        d.add(new KnnFloatVectorField(FIELD, vectors[i], VectorSimilarityFunction.DOT_PRODUCT));
        d.add(new NumericDocValuesField(ORD, i));
        writer.addDocument(d);
      }
      writer.commit();
      long built = System.nanoTime() - t0;
      try (DirectoryReader r = DirectoryReader.open(directory)) {
        segments = r.leaves().size();
      }
      long m0 = System.nanoTime();
      writer.forceMerge(1);
      writer.commit();
      merge = System.nanoTime() - m0;
      timings[0] = new Build(built, merge, segments);
    }
    RawLuceneAnchor anchor = new RawLuceneAnchor(directory);
    anchor.open();
    return anchor;
  }

  private void open() throws IOException {
    reader = DirectoryReader.open(directory);
    searcher = new IndexSearcher(reader);
    ordOfDoc = new int[reader.maxDoc()];
    for (LeafReaderContext leaf : reader.leaves()) {
      NumericDocValues ords = leaf.reader().getNumericDocValues(ORD);
      for (int doc = 0; doc < leaf.reader().maxDoc(); doc++) {
        ords.advanceExact(doc);
        ordOfDoc[leaf.docBase + doc] = (int) ords.longValue();
      }
    }
  }

  int segments() {
    return reader.leaves().size();
  }

  /** The search alone, as timed: HNSW with {@code candidates}, best {@code k} kept. */
  TopDocs search(float[] query, int k, int candidates) throws IOException {
    return searcher.search(
        new KnnFloatVectorQuery(FIELD, query, Math.max(k, candidates)), Math.max(1, k));
  }

  /** The corpus positions of {@code top}'s hits, best first. */
  List<Integer> ords(TopDocs top) {
    List<Integer> ords = new ArrayList<>(top.scoreDocs.length);
    for (ScoreDoc sd : top.scoreDocs) {
      ords.add(ordOfDoc[sd.doc]);
    }
    return ords;
  }

  @Override
  public void close() throws IOException {
    if (reader != null) {
      reader.close();
    }
    directory.close();
  }
}
