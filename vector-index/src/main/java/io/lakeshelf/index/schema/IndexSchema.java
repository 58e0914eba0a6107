package io.lakeshelf.index.schema;

import io.lakeshelf.content.RowLocator;
import io.lakeshelf.content.Similarity;
import java.io.IOException;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.LongField;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.document.SortedDocValuesField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.index.SortedDocValues;
import org.apache.lucene.index.SortedNumericDocValues;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.FieldExistsQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.util.Bits;
import org.apache.lucene.util.BytesRef;

/**
 * The documents of an index and their fields: how rows and file markers are written and read back.
 *
 * <h2>On-disk layout</h2>
 *
 * A plain Lucene index (the default codec; the vector field's format is Lucene's HNSW format or,
 * per {@link io.lakeshelf.index.IndexOptions#quantization()}, its scalar-quantized HNSW format,
 * both found by name when read) in its own directory, with two kinds of documents:
 *
 * <ul>
 *   <li><b>row</b>: one per live table row (with a non-null id). {@code id} (string, indexed and
 *       stored), {@code file} (the data file's path as the Delta log names it, indexed and stored),
 *       {@code row} (the row's index within that file: a long point with doc values, stored),
 *       {@code id.v} and {@code file.v} (the id and the path again as sorted doc values: what a
 *       search hit reads, a lookup per hit instead of decompressing a block of stored fields),
 *       {@code ingested.v} (the row's {@code ingested_at} as numeric doc values in microseconds
 *       since the epoch, when the table has the column and the row a value: a search that asks for
 *       no part of a document answers from the index alone) and {@code vector} (an HNSW vector
 *       field, present when the row has a usable vector; for cosine the vector is normalized and
 *       compared by dot product), {@code title} and {@code text} (analyzed, not stored: rows are
 *       joined back from the table), {@code f.<name>} per filterable column (keyword, long or
 *       double, with doc values; see {@link io.lakeshelf.index.filter.FieldType}) and the row's
 *       metadata by the JSON type of each value: {@code m.keys} (every key, for {@code exists}),
 *       {@code m.s.<key>} (strings), {@code m.b.<key>} (booleans), {@code m.l.<key>} (integers,
 *       long points) and {@code m.d.<key>} (floating-point numbers, double points); see {@link
 *       FilterValues#addMetadata}.
 *   <li><b>file</b>: one per indexed data file. {@code kind=file}, {@code marker} (the path,
 *       indexed and stored), {@code file} (the path, so that deleting a file's rows deletes its
 *       marker too), {@code dv} (stored: the key of the deletion vector applied, empty if none) and
 *       {@code noId} (numeric doc values, present when not zero: the file's live rows with a null
 *       id, which have no row document).
 * </ul>
 *
 * Ids are the id column's values as text ({@link io.lakeshelf.content.rows.JsonValues#text}): a
 * string as it is, an integer as its decimal digits. {@link #countSkipped} counts the row documents
 * without a vector plus the markers' {@code noId}: exact whatever statistics the log holds.
 *
 * <p>Each Lucene commit carries the {@link io.lakeshelf.index.IndexManifest} in its user data, so
 * the table version an index reflects changes atomically with its content. A process killed at any
 * moment leaves the last commit intact; on open the index resumes from it and {@link
 * io.lakeshelf.index.VectorIndex#syncTo} catches up with the table. An index that is missing,
 * unreadable, of another format or built for another vector specification is discarded and rebuilt
 * from the table.
 */
public final class IndexSchema {

  private IndexSchema() {}

  public static final String F_ID = "id";
  public static final String F_FILE = "file";
  public static final String F_ROW = "row";
  public static final String F_VECTOR = "vector";
  public static final String F_KIND = "kind";
  public static final String F_MARKER = "marker";
  public static final String F_DV = "dv";
  public static final String KIND_FILE = "file";
  public static final String F_TITLE = "title";
  public static final String F_TEXT = "text";
  public static final String F_NO_ID = "noId";
  public static final String F_ID_VALUE = "id.v";
  public static final String F_FILE_VALUE = "file.v";
  public static final String F_INGESTED_AT_VALUE = "ingested.v";

  /** Every row document (file markers have no row field). */
  public static final Query ALL_ROWS = new FieldExistsQuery(F_ROW);

  /** Every file marker. */
  private static final Query FILE_MARKERS = new TermQuery(new Term(F_KIND, KIND_FILE));

  /** How Lucene compares vectors of a similarity. */
  public static VectorSimilarityFunction luceneSimilarity(Similarity similarity) {
    return switch (similarity) {
      // Vectors are normalized on the way in, so the dot product is the cosine.
      case COSINE -> VectorSimilarityFunction.DOT_PRODUCT;
      case DOT -> VectorSimilarityFunction.MAXIMUM_INNER_PRODUCT;
      case L2 -> VectorSimilarityFunction.EUCLIDEAN;
    };
  }

  /** A row's document, without its texts and filter values; {@code vector} may be null. */
  public static Document rowDocument(
      String id, String file, long row, float[] vector, Similarity similarity) {
    Document d = new Document();
    d.add(new StringField(F_ID, id, Field.Store.YES));
    d.add(new StringField(F_FILE, file, Field.Store.YES));
    d.add(new LongField(F_ROW, row, Field.Store.YES));
    d.add(new SortedDocValuesField(F_ID_VALUE, new BytesRef(id)));
    d.add(new SortedDocValuesField(F_FILE_VALUE, new BytesRef(file)));
    if (vector != null) {
      d.add(new KnnFloatVectorField(F_VECTOR, vector, luceneSimilarity(similarity)));
    }
    return d;
  }

  /** Adds a text field ({@link #F_TITLE} or {@link #F_TEXT}) unless the text is null. */
  public static void addText(Document d, String field, String text) {
    if (text != null) {
      d.add(new TextField(field, text, Field.Store.NO));
    }
  }

  /**
   * A data file's marker.
   *
   * @param dvKey the key of the deletion vector applied, empty if none
   * @param noIds the file's live rows with a null id
   */
  public static Document marker(String path, String dvKey, long noIds) {
    Document d = new Document();
    if (noIds > 0) {
      d.add(new NumericDocValuesField(F_NO_ID, noIds));
    }
    d.add(new StringField(F_KIND, KIND_FILE, Field.Store.NO));
    d.add(new StringField(F_MARKER, path, Field.Store.YES));
    d.add(new StringField(F_FILE, path, Field.Store.NO));
    d.add(new StoredField(F_DV, dvKey));
    return d;
  }

  /** The term of a file's marker, to replace it. */
  public static Term markerTerm(String path) {
    return new Term(F_MARKER, path);
  }

  /** The term of every document of a file: its rows and its marker. */
  public static Term fileTerm(String path) {
    return new Term(F_FILE, path);
  }

  /** The rows of a file at these row indexes. */
  public static Query rowsOf(String path, long[] rows) {
    return new BooleanQuery.Builder()
        .add(new TermQuery(fileTerm(path)), BooleanClause.Occur.FILTER)
        .add(LongPoint.newSetQuery(F_ROW, rows), BooleanClause.Occur.FILTER)
        .build();
  }

  /** Where a row document's row lives. */
  public static RowLocator locator(Document d) {
    return new RowLocator(d.get(F_FILE), d.getField(F_ROW).numericValue().longValue());
  }

  /**
   * The rows of several documents of one segment, with one doc-values iterator per field for all of
   * them (a search's hits: creating the iterators per hit cost more than reading the values).
   *
   * @param docs segment-local document numbers in ascending order (a repeat gets the same row)
   * @return the row of each document, in the order of {@code docs}; null where a document is not a
   *     row document
   */
  public static Row[] rows(LeafReader leaf, int[] docs) throws IOException {
    Row[] out = new Row[docs.length];
    SortedDocValues ids = leaf.getSortedDocValues(F_ID_VALUE);
    SortedDocValues files = leaf.getSortedDocValues(F_FILE_VALUE);
    SortedNumericDocValues rows = leaf.getSortedNumericDocValues(F_ROW);
    NumericDocValues ingested = leaf.getNumericDocValues(F_INGESTED_AT_VALUE);
    if (ids == null || files == null || rows == null) {
      return out;
    }
    for (int i = 0; i < docs.length; i++) {
      int doc = docs[i];
      if (i > 0 && doc <= docs[i - 1]) {
        if (doc < docs[i - 1]) {
          throw new IllegalArgumentException("documents must ascend: " + docs[i - 1] + ", " + doc);
        }
        out[i] = out[i - 1];
        continue;
      }
      if (ids.advanceExact(doc) && files.advanceExact(doc) && rows.advanceExact(doc)) {
        Instant ingestedAt =
            ingested != null && ingested.advanceExact(doc) ? micros(ingested.longValue()) : null;
        out[i] =
            new Row(
                ids.lookupOrd(ids.ordValue()).utf8ToString(),
                new RowLocator(files.lookupOrd(files.ordValue()).utf8ToString(), rows.nextValue()),
                ingestedAt);
      }
    }
    return out;
  }

  /** A row document's id, where its row lives, and its {@code ingested_at} (null if none). */
  public record Row(String id, RowLocator locator, Instant ingestedAt) {}

  /**
   * Adds a row's {@code ingested_at} as doc values ({@link #F_INGESTED_AT_VALUE}, microseconds
   * since the epoch, as Delta stores a timestamp), unless null: a search that asks for no part of a
   * document answers from the index alone, without reading the table.
   */
  public static void addIngestedAt(Document d, Instant ingestedAt) {
    if (ingestedAt != null) {
      d.add(new NumericDocValuesField(F_INGESTED_AT_VALUE, toMicros(ingestedAt)));
    }
  }

  private static long toMicros(Instant t) {
    return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), t.getNano() / 1000L);
  }

  private static Instant micros(long micros) {
    return Instant.ofEpochSecond(
        Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000L);
  }

  /** The indexed files: each marker's path and deletion vector key (empty if none). */
  public static Map<String, String> loadMarkers(DirectoryReader reader) throws IOException {
    IndexSearcher searcher = new IndexSearcher(reader);
    Map<String, String> files = new HashMap<>();
    int n = Math.max(1, searcher.count(FILE_MARKERS));
    TopDocs docs = searcher.search(FILE_MARKERS, n);
    StoredFields stored = reader.storedFields();
    for (ScoreDoc sd : docs.scoreDocs) {
      Document d = stored.document(sd.doc);
      files.put(d.get(F_MARKER), d.get(F_DV));
    }
    return files;
  }

  /** Rows searchable by vector. */
  public static long countRows(DirectoryReader reader) throws IOException {
    return new IndexSearcher(reader).count(new FieldExistsQuery(F_VECTOR));
  }

  /**
   * Live rows not searchable by vector: row documents without a vector, plus the rows with a null
   * id that each file marker counts ({@code noId}).
   */
  public static long countSkipped(DirectoryReader reader) throws IOException {
    IndexSearcher searcher = new IndexSearcher(reader);
    long skipped = searcher.count(ALL_ROWS) - searcher.count(new FieldExistsQuery(F_VECTOR));
    for (LeafReaderContext leaf : reader.leaves()) {
      NumericDocValues noIds = leaf.reader().getNumericDocValues(F_NO_ID);
      if (noIds == null) {
        continue;
      }
      Bits live = leaf.reader().getLiveDocs();
      for (int doc = noIds.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = noIds.nextDoc()) {
        if (live == null || live.get(doc)) {
          skipped += noIds.longValue();
        }
      }
    }
    return skipped;
  }
}
