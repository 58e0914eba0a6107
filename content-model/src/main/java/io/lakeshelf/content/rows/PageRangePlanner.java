package io.lakeshelf.content.rows;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.NavigableSet;
import java.util.PrimitiveIterator;
import java.util.TreeSet;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.apache.parquet.internal.column.columnindex.OffsetIndex;
import org.apache.parquet.internal.filter2.columnindex.RowRanges;

/**
 * Plans the read of one row group for the join: which rows Parquet's reader is asked for, and which
 * byte ranges of the file are fetched (in as few requests as sensible) so that the read then finds
 * every page it needs in memory. Pure: it works on the footer's column chunk positions and offset
 * indexes, and reads nothing.
 *
 * <ul>
 *   <li>No data column requested (only partition columns): nothing is read.
 *   <li>Every requested column has an offset index: a filtered read of the wanted rows (see {@link
 *       #rowsToRead} for one more), fetching only the pages that hold them and each chunk's
 *       dictionary page; pages close together are fetched in one request.
 *   <li>Otherwise (files written without offset indexes): the requested column chunks whole, in one
 *       request, and every row of the group up to the last wanted one.
 * </ul>
 */
final class PageRangePlanner {

  private PageRangePlanner() {}

  /**
   * Bytes between two wanted ranges that are read rather than asked for separately: a request costs
   * a round trip, a quarter megabyte costs a few milliseconds of transfer.
   */
  static final long MAX_GAP = 256 << 10;

  /**
   * One requested column's chunk in a row group, as the footer describes it.
   *
   * @param start the chunk's first byte in the file (its dictionary page, if it has one)
   * @param totalSize the chunk's size in bytes
   * @param pages the chunk's offset index, or null if the file has none for it
   */
  record Chunk(long start, long totalSize, OffsetIndex pages) {}

  /** How a row group is read. */
  enum Kind {
    /** Nothing read: no data column is requested. */
    NONE,
    /** Parquet's filtered row-group read of {@link Plan#ranges}. */
    PAGES,
    /** Parquet's whole row-group read. */
    CHUNKS
  }

  /**
   * The read of one row group.
   *
   * @param kind how it is read
   * @param rows for {@link Kind#NONE} and {@link Kind#PAGES}, the rows the reader yields, relative
   *     to the row group and ascending; else null
   * @param throughRow for {@link Kind#CHUNKS}, the last row (relative) the reader is read up to
   * @param ranges for {@link Kind#PAGES}, {@link #rows} as Parquet's row ranges; else null
   * @param fetch the byte ranges {@code [from, to)} to fetch before the read, ascending
   */
  record Plan(Kind kind, long[] rows, long throughRow, RowRanges ranges, List<long[]> fetch) {

    /**
     * The rows, relative to the row group, whose records the reader yields, in order: the rows of a
     * filtered read, or every row of the group up to the last wanted one.
     */
    PrimitiveIterator.OfLong recordRows() {
      return kind == Kind.CHUNKS
          ? LongStream.rangeClosed(0, throughRow).iterator()
          : Arrays.stream(rows).iterator();
    }
  }

  /**
   * Plans the read of the wanted rows of one row group.
   *
   * @param wanted the wanted rows (absolute, within the row group, not empty)
   * @param first the row group's first row in the file
   * @param rowCount the row group's rows
   * @param projected whether any data column is requested
   * @param chunks the requested columns' chunks in this row group
   */
  static Plan plan(
      NavigableSet<Long> wanted, long first, long rowCount, boolean projected, List<Chunk> chunks) {
    if (!projected) {
      return new Plan(
          Kind.NONE, wanted.stream().mapToLong(r -> r - first).toArray(), -1, null, List.of());
    }
    boolean pageIndexed = true;
    for (Chunk c : chunks) {
      pageIndexed &= c.pages() != null;
    }
    if (pageIndexed) {
      List<OffsetIndex> offsets = chunks.stream().map(Chunk::pages).toList();
      long[] read = rowsToRead(wanted, first, rowCount, offsets);
      RowRanges ranges = rowRanges(read, rowCount);
      return new Plan(Kind.PAGES, read, -1, ranges, pageRanges(chunks, ranges, rowCount));
    }
    return new Plan(Kind.CHUNKS, null, wanted.last() - first, null, chunkRange(chunks));
  }

  /**
   * The rows of one row group a filtered read asks for (relative to the row group, ascending): the
   * wanted rows, and one neighbour of the last when the row before it is not wanted.
   *
   * <p>Why the neighbour: parquet-java's synchronizing column reader (1.16 to 1.18) takes the next
   * row it must reach from the row indexes as soon as it passes the previous one, and at the end of
   * a page it treats an empty iterator as the end of the column. When the last row asked for lies
   * in a later page of some column than the row asked for before it, that column's reader stops at
   * the end of the earlier page and the record reader is handed the values it decoded last: a hit
   * with another row's text. When the last two rows asked for are adjacent the reader passes the
   * second-to-last only onto the last, so it takes the last row exactly when it reaches it, and any
   * page change happened before, while the iterator still held it. A single row is safe too: the
   * reader starts in its page. Of the two neighbours (before and after), the one that lies in the
   * last row's page in more columns is taken, so it costs no page read where it can be helped.
   */
  static long[] rowsToRead(
      NavigableSet<Long> wanted, long first, long rowCount, List<OffsetIndex> offsets) {
    TreeSet<Long> read = new TreeSet<>();
    for (long r : wanted) {
      read.add(r - first);
    }
    long last = read.last();
    if (read.size() > 1 && !read.contains(last - 1)) {
      long before = last - 1;
      long after = last + 1;
      if (after < rowCount
          && pageChanges(offsets, last, after, rowCount)
              < pageChanges(offsets, last, before, rowCount)) {
        read.add(after);
      } else {
        read.add(before);
      }
    }
    return read.stream().mapToLong(Long::longValue).toArray();
  }

  /** In how many of these columns rows {@code a} and {@code b} lie in different pages. */
  private static int pageChanges(List<OffsetIndex> offsets, long a, long b, long rowCount) {
    int changes = 0;
    for (OffsetIndex pages : offsets) {
      if (pages != null && page(pages, a, rowCount) != page(pages, b, rowCount)) {
        changes++;
      }
    }
    return changes;
  }

  private static int page(OffsetIndex pages, long row, long rowCount) {
    for (int i = 0; i < pages.getPageCount(); i++) {
      if (row >= pages.getFirstRowIndex(i) && row <= pages.getLastRowIndex(i, rowCount)) {
        return i;
      }
    }
    return -1;
  }

  /** Rows of one row group (relative, ascending) as Parquet's row ranges. */
  static RowRanges rowRanges(long[] rows, long rowCount) {
    OffsetIndex onePagePerRow =
        new OffsetIndex() {
          @Override
          public int getPageCount() {
            return rows.length;
          }

          @Override
          public long getOffset(int pageIndex) {
            return 0;
          }

          @Override
          public int getCompressedPageSize(int pageIndex) {
            return 0;
          }

          @Override
          public long getFirstRowIndex(int pageIndex) {
            return rows[pageIndex];
          }

          @Override
          public long getLastRowIndex(int pageIndex, long rowGroupRowCount) {
            return rows[pageIndex];
          }
        };
    return RowRanges.create(rowCount, IntStream.range(0, rows.length).iterator(), onePagePerRow);
  }

  /**
   * The pages of these column chunks that hold rows of these ranges, and each chunk's dictionary
   * page (the bytes before its first data page), coalesced: pages close together are read in one
   * request; a large gap between them (another column's pages, such as an embedding column the join
   * does not read, lying between the requested ones) splits the read in two.
   */
  static List<long[]> pageRanges(List<Chunk> chunks, RowRanges ranges, long rowCount) {
    List<long[]> wanted = new ArrayList<>();
    for (Chunk chunk : chunks) {
      OffsetIndex pages = chunk.pages();
      if (pages == null || pages.getPageCount() == 0) {
        continue;
      }
      if (chunk.start() < pages.getOffset(0)) {
        wanted.add(new long[] {chunk.start(), pages.getOffset(0)});
      }
      for (int i = 0; i < pages.getPageCount(); i++) {
        if (ranges.isOverlapping(pages.getFirstRowIndex(i), pages.getLastRowIndex(i, rowCount))) {
          wanted.add(
              new long[] {pages.getOffset(i), pages.getOffset(i) + pages.getCompressedPageSize(i)});
        }
      }
    }
    return coalesce(wanted);
  }

  /** Byte ranges sorted and merged where they overlap or lie at most {@link #MAX_GAP} apart. */
  static List<long[]> coalesce(List<long[]> ranges) {
    List<long[]> sorted = new ArrayList<>(ranges);
    sorted.sort(Comparator.comparingLong(r -> r[0]));
    List<long[]> out = new ArrayList<>();
    for (long[] r : sorted) {
      long[] last = out.isEmpty() ? null : out.get(out.size() - 1);
      if (last != null && r[0] - last[1] <= MAX_GAP) {
        last[1] = Math.max(last[1], r[1]);
      } else {
        out.add(new long[] {r[0], r[1]});
      }
    }
    return out;
  }

  /** These whole column chunks as one range (files written without page indexes); none if empty. */
  static List<long[]> chunkRange(List<Chunk> chunks) {
    long from = Long.MAX_VALUE;
    long to = Long.MIN_VALUE;
    for (Chunk chunk : chunks) {
      from = Math.min(from, chunk.start());
      to = Math.max(to, chunk.start() + chunk.totalSize());
    }
    return from < to ? List.of(new long[] {from, to}) : List.of();
  }
}
