package io.lakeshelf.content.rows;

import io.lakeshelf.content.storage.PageCache;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.impl.ColumnReaderImpl;
import org.apache.parquet.column.page.DataPage;
import org.apache.parquet.column.page.DataPageV1;
import org.apache.parquet.column.page.DataPageV2;
import org.apache.parquet.column.page.DictionaryPage;
import org.apache.parquet.column.page.PageReader;
import org.apache.parquet.compression.CompressionCodecFactory;
import org.apache.parquet.format.DataPageHeader;
import org.apache.parquet.format.DataPageHeaderV2;
import org.apache.parquet.format.DictionaryPageHeader;
import org.apache.parquet.format.PageHeader;
import org.apache.parquet.format.PageType;
import org.apache.parquet.format.Util;
import org.apache.parquet.format.converter.ParquetMetadataConverter;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.internal.column.columnindex.OffsetIndex;
import org.apache.parquet.io.ParquetDecodingException;
import org.apache.parquet.io.api.PrimitiveConverter;
import org.apache.parquet.schema.PrimitiveType;

/**
 * Reads the values of given rows of one leaf column of one row group straight from its pages, the
 * point read of the join.
 *
 * <p>The column's offset index names the page that holds each row (pages begin at row boundaries
 * when a file has offset indexes, as the format requires). Only those pages are decoded: each is
 * decompressed from the bytes already fetched and read by Parquet's own column reader ({@link
 * ColumnReaderImpl}, so every encoding and level layout is decoded as Parquet decodes it), stepping
 * from the page's first row to the wanted one without materializing the values passed over. A row
 * is the values from one with repetition level 0 up to the next such one, so a leaf inside a list
 * or map yields every entry of the row. No record assembly, no reader per file: that is what makes
 * the join of ten hits cost microseconds per row rather than a record reader's set-up and a walk
 * through every value before the row.
 */
final class LeafColumnReader {

  private LeafColumnReader() {}

  private static final ParquetMetadataConverter FORMAT = new ParquetMetadataConverter();
  private static final PrimitiveConverter IGNORED = new PrimitiveConverter() {};

  /**
   * One value of a leaf column: its definition level and, when defined at the leaf (level equal to
   * the column's maximum), its value as Parquet decodes its physical type (see {@link
   * ParquetValues#convert}); else null.
   */
  record LeafValue(int definitionLevel, Object raw) {}

  /** Where one leaf column chunk of a row group lies, and how it is decoded. */
  record Chunk(
      ColumnDescriptor column,
      ColumnChunkMetaData meta,
      OffsetIndex pages,
      long rowCount,
      int rowGroup,
      int ordinal) {}

  /**
   * The byte ranges {@code [from, to)} to fetch to read these rows (relative, ascending): the pages
   * that hold them and are not kept decoded in {@code cache}, and the dictionary page if one of
   * them needs it and it is not kept.
   */
  static List<long[]> ranges(
      Chunk chunk, long[] rows, FileLayout layout, PageCache cache, String location) {
    List<long[]> out = new ArrayList<>();
    int last = -1;
    for (long row : rows) {
      int p = pageOf(chunk.pages(), row);
      if (p != last) {
        last = p;
        if (cache.enabled()
            && cache
                .get(new PageCache.Key(location, chunk.rowGroup(), chunk.ordinal(), p))
                .isPresent()) {
          continue;
        }
        long offset = chunk.pages().getOffset(p);
        out.add(new long[] {offset, offset + chunk.pages().getCompressedPageSize(p)});
      }
    }
    long dictionaryStart = chunk.meta().getStartingPos();
    long firstPage = chunk.pages().getOffset(0);
    if (!out.isEmpty()
        && dictionaryStart < firstPage
        && layout.dictionary(chunk.rowGroup(), chunk.ordinal()) == null) {
      out.add(new long[] {dictionaryStart, firstPage});
    }
    return out;
  }

  /**
   * Each row's values of the column, in the order of {@code rows} (relative to the row group,
   * ascending): one entry per value, so a flat column gives one per row. Pages kept decoded in
   * {@code cache} are not read again; with the cache on, a page read is decoded whole and kept.
   */
  static List<List<LeafValue>> read(
      Chunk chunk,
      long[] rows,
      PrefetchedInputFile input,
      FileLayout layout,
      CompressionCodecFactory codecs,
      PageCache cache,
      String location)
      throws IOException {
    OffsetIndex pages = chunk.pages();
    List<List<LeafValue>> out = new ArrayList<>(rows.length);
    int page = -1;
    PageCursor cursor = null;
    DecodedPage decoded = null;
    for (long target : rows) {
      int p = pageOf(pages, target);
      if (p != page) {
        page = p;
        cursor = null;
        decoded = null;
        PageCache.Key key =
            cache.enabled()
                ? new PageCache.Key(location, chunk.rowGroup(), chunk.ordinal(), p)
                : null;
        if (key != null) {
          decoded = (DecodedPage) cache.get(key).orElse(null);
        }
        if (decoded == null) {
          DataPage data =
              dataPage(
                  input,
                  pages.getOffset(p),
                  pages.getCompressedPageSize(p),
                  chunk.meta().getCodec(),
                  codecs);
          cursor =
              new PageCursor(
                  chunk.column(),
                  data,
                  dictionary(chunk, input, layout, codecs),
                  layout,
                  pages.getFirstRowIndex(p));
          if (key != null) {
            decoded = cursor.readAll(data.getUncompressedSize());
            cache.put(key, decoded, decoded.bytes());
            cursor = null;
          }
        }
      }
      if (decoded != null) {
        out.add(decoded.row(target));
      } else {
        while (cursor.row < target) {
          cursor.skipRow();
        }
        out.add(cursor.readRow());
      }
    }
    return out;
  }

  /** Every row of one page, decoded: what {@link PageCache} keeps. */
  private record DecodedPage(long firstRow, List<List<LeafValue>> rows, long bytes) {
    List<LeafValue> row(long row) {
      long i = row - firstRow;
      if (i < 0 || i >= rows.size()) {
        throw new ParquetDecodingException(
            "row "
                + row
                + " is not in the page of rows "
                + firstRow
                + ".."
                + (firstRow + rows.size() - 1));
      }
      return rows.get((int) i);
    }
  }

  /** The page of the offset index that holds a row: the last one starting at or before it. */
  static int pageOf(OffsetIndex pages, long row) {
    int lo = 0;
    int hi = pages.getPageCount() - 1;
    while (lo < hi) {
      int mid = (lo + hi + 1) >>> 1;
      if (pages.getFirstRowIndex(mid) <= row) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    return lo;
  }

  /** One data page being read, positioned at the first value of row {@link #row}. */
  private static final class PageCursor {
    private final ColumnReaderImpl reader;
    private final int maxDefinition;
    private final PrimitiveType.PrimitiveTypeName physical;
    private long remaining;
    long row;

    PageCursor(
        ColumnDescriptor column,
        DataPage page,
        DictionaryPage dictionary,
        FileLayout layout,
        long firstRow) {
      this.reader =
          new ColumnReaderImpl(column, new OnePage(page, dictionary), IGNORED, layout.writer());
      this.maxDefinition = column.getMaxDefinitionLevel();
      this.physical = column.getPrimitiveType().getPrimitiveTypeName();
      this.remaining = page.getValueCount();
      this.row = firstRow;
    }

    void skipRow() {
      do {
        if (reader.getCurrentDefinitionLevel() == maxDefinition) {
          reader.skip();
        }
        next();
      } while (remaining > 0 && reader.getCurrentRepetitionLevel() > 0);
      row++;
    }

    /** Every row from here to the end of the page. */
    DecodedPage readAll(int pageBytes) {
      long first = row;
      List<List<LeafValue>> rows = new ArrayList<>();
      long values = remaining;
      while (remaining > 0) {
        rows.add(readRow());
      }
      return new DecodedPage(first, rows, pageBytes + 64L * values + 32L * rows.size());
    }

    List<LeafValue> readRow() {
      if (remaining <= 0) {
        throw new ParquetDecodingException("a page ends before row " + row);
      }
      List<LeafValue> values = new ArrayList<>(1);
      do {
        int level = reader.getCurrentDefinitionLevel();
        values.add(new LeafValue(level, level == maxDefinition ? value() : null));
        next();
      } while (remaining > 0 && reader.getCurrentRepetitionLevel() > 0);
      row++;
      return values;
    }

    private void next() {
      if (remaining <= 0) {
        throw new ParquetDecodingException("a page ends before row " + row);
      }
      remaining--;
      if (remaining > 0) {
        reader.consume();
      }
    }

    private Object value() {
      return switch (physical) {
        case BOOLEAN -> reader.getBoolean();
        case INT32 -> reader.getInteger();
        case INT64 -> reader.getLong();
        case FLOAT -> reader.getFloat();
        case DOUBLE -> reader.getDouble();
        case INT96, BINARY, FIXED_LEN_BYTE_ARRAY -> reader.getBinary();
      };
    }
  }

  /** The one data page (and the chunk's dictionary page) a cursor reads. */
  private static final class OnePage implements PageReader {
    private final DataPage page;
    private final DictionaryPage dictionary;
    private boolean read;

    OnePage(DataPage page, DictionaryPage dictionary) {
      this.page = page;
      this.dictionary = dictionary;
    }

    @Override
    public DictionaryPage readDictionaryPage() {
      return dictionary;
    }

    @Override
    public long getTotalValueCount() {
      return page.getValueCount();
    }

    @Override
    public DataPage readPage() {
      if (read) {
        return null;
      }
      read = true;
      return page;
    }
  }

  /** The chunk's dictionary page, decompressed, if it has one; kept in the layout when small. */
  private static DictionaryPage dictionary(
      Chunk chunk, PrefetchedInputFile input, FileLayout layout, CompressionCodecFactory codecs)
      throws IOException {
    DictionaryPage kept = layout.dictionary(chunk.rowGroup(), chunk.ordinal());
    if (kept != null) {
      return kept;
    }
    long start = chunk.meta().getStartingPos();
    long firstPage = chunk.pages().getOffset(0);
    if (start >= firstPage) {
      return null;
    }
    ByteBuffer bytes = input.slice(start, Math.toIntExact(firstPage - start));
    Header h = header(bytes);
    if (h.header.getType() != PageType.DICTIONARY_PAGE) {
      return null; // an index page, or nothing Parquet's reader would use either
    }
    DictionaryPageHeader d = h.header.getDictionary_page_header();
    BytesInput data =
        decompress(
            bytes,
            h.length,
            h.header.getCompressed_page_size(),
            h.header.getUncompressed_page_size(),
            chunk.meta().getCodec(),
            codecs);
    DictionaryPage page =
        new DictionaryPage(
            BytesInput.from(data.toByteArray()),
            h.header.getUncompressed_page_size(),
            d.getNum_values(),
            FORMAT.getEncoding(d.getEncoding()));
    layout.keepDictionary(chunk.rowGroup(), chunk.ordinal(), page);
    return page;
  }

  private static DataPage dataPage(
      PrefetchedInputFile input,
      long offset,
      int size,
      CompressionCodecName codec,
      CompressionCodecFactory codecs)
      throws IOException {
    ByteBuffer bytes = input.slice(offset, size);
    Header h = header(bytes);
    PageHeader header = h.header;
    int compressed = header.getCompressed_page_size();
    int uncompressed = header.getUncompressed_page_size();
    if (h.length + compressed > size) {
      throw new IOException("a page at " + offset + " of " + input + " runs past its location");
    }
    if (header.getType() == PageType.DATA_PAGE) {
      DataPageHeader d = header.getData_page_header();
      return new DataPageV1(
          decompress(bytes, h.length, compressed, uncompressed, codec, codecs),
          d.getNum_values(),
          uncompressed,
          null,
          FORMAT.getEncoding(d.getRepetition_level_encoding()),
          FORMAT.getEncoding(d.getDefinition_level_encoding()),
          FORMAT.getEncoding(d.getEncoding()));
    }
    if (header.getType() == PageType.DATA_PAGE_V2) {
      DataPageHeaderV2 d = header.getData_page_header_v2();
      int rl = d.getRepetition_levels_byte_length();
      int dl = d.getDefinition_levels_byte_length();
      int at = h.length;
      BytesInput repetition = BytesInput.from(bytes.duplicate().position(at).slice().limit(rl));
      BytesInput definition =
          BytesInput.from(bytes.duplicate().position(at + rl).slice().limit(dl));
      boolean isCompressed = !d.isSetIs_compressed() || d.isIs_compressed();
      BytesInput data =
          isCompressed
              ? decompress(
                  bytes, at + rl + dl, compressed - rl - dl, uncompressed - rl - dl, codec, codecs)
              : BytesInput.from(
                  bytes.duplicate().position(at + rl + dl).slice().limit(compressed - rl - dl));
      return DataPageV2.uncompressed(
          d.getNum_rows(),
          d.getNum_nulls(),
          d.getNum_values(),
          repetition,
          definition,
          FORMAT.getEncoding(d.getEncoding()),
          data,
          null);
    }
    throw new IOException(
        "expected a data page at " + offset + " of " + input + ", found " + header.getType());
  }

  private static BytesInput decompress(
      ByteBuffer bytes,
      int at,
      int compressedSize,
      int uncompressedSize,
      CompressionCodecName codec,
      CompressionCodecFactory codecs)
      throws IOException {
    BytesInput in = BytesInput.from(bytes.duplicate().position(at).slice().limit(compressedSize));
    if (codec == CompressionCodecName.UNCOMPRESSED) {
      return BytesInput.from(
          in.toByteArray()); // a copy: values kept must not pin the fetched range
    }
    return BytesInput.from(
        codecs.getDecompressor(codec).decompress(in, uncompressedSize).toByteArray());
  }

  private record Header(PageHeader header, int length) {}

  private static Header header(ByteBuffer bytes) throws IOException {
    ByteArrayInputStream in =
        new ByteArrayInputStream(
            bytes.array(), bytes.arrayOffset() + bytes.position(), bytes.remaining());
    int before = in.available();
    PageHeader header = Util.readPageHeader(in);
    return new Header(header, before - in.available());
  }
}
