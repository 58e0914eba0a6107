package io.lakeshelf.index;

import io.lakeshelf.content.VectorSpec;
import java.io.IOException;
import java.util.Locale;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.KnnVectorsReader;
import org.apache.lucene.codecs.KnnVectorsWriter;
import org.apache.lucene.codecs.lucene104.Lucene104HnswScalarQuantizedVectorsFormat;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsFormat;
import org.apache.lucene.index.SegmentReadState;
import org.apache.lucene.index.SegmentWriteState;
import org.apache.lucene.util.quantization.QuantizedByteVectorValues.ScalarEncoding;

/**
 * How an index stores a named vector's HNSW graph vectors. Quantized formats keep the
 * full-precision vectors beside the quantized ones; searches over them explore more candidates in
 * the quantized space and rescore the best with full precision (see {@link
 * VectorIndex.View#search(IndexQuery)}). All are stock Lucene formats, found by name when an index
 * is opened: no custom codec is needed to read one.
 */
public enum Quantization {
  /** 32-bit floats ({@code Lucene99HnswVectorsFormat}). */
  NONE,
  /** 8 bits per dimension ({@code Lucene104HnswScalarQuantizedVectorsFormat}, unsigned byte). */
  INT8,
  /** 4 bits per dimension (packed nibbles). */
  INT4,
  /** 1 bit per dimension, queries at 4 bits: optimized scalar quantization's binary encoding. */
  BBQ;

  /** HNSW graph settings: Lucene's defaults. */
  private static final int MAX_CONN = 16;

  private static final int BEAM_WIDTH = 100;

  /**
   * Lucene's tiny-segment threshold: a segment gets an HNSW graph only when a search for this many
   * candidates would visit fewer of its vectors than it holds (about {@code n > ln(n) *
   * threshold}); a smaller one is stored flat and searched exactly, which at that size costs no
   * more than walking a graph. 300 keeps the segment an ingest batch flushes (up to about 2,400
   * vectors) flat, so building graphs moves off the write path into merges, which build them once
   * for the merged segment. Lucene's default is 100.
   */
  static final int GRAPH_THRESHOLD = 300;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Quantization fromWireName(String name) {
    if (name == null) {
      return NONE;
    }
    for (Quantization q : values()) {
      if (q.wireName().equals(name)) {
        return q;
      }
    }
    throw new IllegalArgumentException(
        "unknown quantization '" + name + "': expected none, int8, int4 or bbq");
  }

  /** How many more candidates a quantized search explores before rescoring. */
  public int oversample() {
    return switch (this) {
      case NONE -> 1;
      case INT8 -> 2;
      case INT4 -> 3;
      case BBQ -> 5;
    };
  }

  /**
   * The format vectors are written with. Lucene's formats cap vectors at 1,024 dimensions when
   * writing; this one accepts up to {@link io.lakeshelf.content.VectorSpec#MAX_DIMENSIONS} and
   * otherwise is the stock format under its stock name, so Lucene reads it back by itself.
   */
  KnnVectorsFormat format() {
    return withMaxDimensions(stockFormat());
  }

  /** {@code stock} under its stock name, accepting up to {@code VectorSpec.MAX_DIMENSIONS}. */
  private static KnnVectorsFormat withMaxDimensions(KnnVectorsFormat stock) {
    return new KnnVectorsFormat(stock.getName()) {
      @Override
      public KnnVectorsWriter fieldsWriter(SegmentWriteState state) throws IOException {
        return stock.fieldsWriter(state);
      }

      @Override
      public KnnVectorsReader fieldsReader(SegmentReadState state) throws IOException {
        return stock.fieldsReader(state);
      }

      @Override
      public int getMaxDimensions(String fieldName) {
        return VectorSpec.MAX_DIMENSIONS;
      }

      @Override
      public String toString() {
        return stock.toString();
      }
    };
  }

  /**
   * Full-precision floats without an HNSW graph, for indexes only ever searched exactly: the stock
   * HNSW format (read back by its name) with a tiny-segment threshold no segment reaches, so Lucene
   * skips building the graph of every segment, merged ones included.
   */
  static KnnVectorsFormat flatFormat() {
    return withMaxDimensions(
        new Lucene99HnswVectorsFormat(MAX_CONN, BEAM_WIDTH, 1, null, Integer.MAX_VALUE));
  }

  private KnnVectorsFormat stockFormat() {
    return switch (this) {
      case NONE -> new Lucene99HnswVectorsFormat(MAX_CONN, BEAM_WIDTH, 1, null, GRAPH_THRESHOLD);
      case INT8 -> scalarQuantized(ScalarEncoding.UNSIGNED_BYTE);
      case INT4 -> scalarQuantized(ScalarEncoding.PACKED_NIBBLE);
      case BBQ -> scalarQuantized(ScalarEncoding.SINGLE_BIT_QUERY_NIBBLE);
    };
  }

  private static KnnVectorsFormat scalarQuantized(ScalarEncoding encoding) {
    return new Lucene104HnswScalarQuantizedVectorsFormat(
        encoding, MAX_CONN, BEAM_WIDTH, 1, null, GRAPH_THRESHOLD);
  }
}
