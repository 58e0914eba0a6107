package io.lakeshelf.content.rows;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakeshelf.content.rows.PageRangePlanner.Chunk;
import io.lakeshelf.content.rows.PageRangePlanner.Kind;
import io.lakeshelf.content.rows.PageRangePlanner.Plan;
import java.util.ArrayList;
import java.util.List;
import java.util.NavigableSet;
import java.util.PrimitiveIterator;
import java.util.TreeSet;
import org.apache.parquet.internal.column.columnindex.OffsetIndex;
import org.junit.jupiter.api.Test;

/** The read plan of one row group, from made-up footers: no file is read. */
class PageRangePlannerTest {

  /**
   * An offset index of pages of {@code rowsPerPage} rows and {@code pageSize} bytes from {@code
   * offset}.
   */
  private static OffsetIndex pages(long offset, int pageSize, long rowsPerPage, long rowCount) {
    int n = (int) ((rowCount + rowsPerPage - 1) / rowsPerPage);
    return new OffsetIndex() {
      @Override
      public int getPageCount() {
        return n;
      }

      @Override
      public long getOffset(int pageIndex) {
        return offset + (long) pageIndex * pageSize;
      }

      @Override
      public int getCompressedPageSize(int pageIndex) {
        return pageSize;
      }

      @Override
      public long getFirstRowIndex(int pageIndex) {
        return pageIndex * rowsPerPage;
      }
    };
  }

  /**
   * A chunk whose data pages start {@code dictionary} bytes after its start (its dictionary page).
   */
  private static Chunk chunk(
      long start, int dictionary, int pageSize, long rowsPerPage, long rowCount) {
    OffsetIndex index = pages(start + dictionary, pageSize, rowsPerPage, rowCount);
    return new Chunk(start, dictionary + (long) index.getPageCount() * pageSize, index);
  }

  private static NavigableSet<Long> rows(long... rows) {
    NavigableSet<Long> out = new TreeSet<>();
    for (long r : rows) {
      out.add(r);
    }
    return out;
  }

  private static List<Long> list(PrimitiveIterator.OfLong it) {
    List<Long> out = new ArrayList<>();
    it.forEachRemaining((long r) -> out.add(r));
    return out;
  }

  private static List<List<Long>> ranges(Plan plan) {
    return plan.fetch().stream().map(r -> List.of(r[0], r[1])).toList();
  }

  @Test
  void singleHitReadsItsPageAndTheDictionary() {
    Plan plan =
        PageRangePlanner.plan(rows(15), 0, 100, true, List.of(chunk(4, 100, 1000, 10, 100)));

    assertThat(plan.kind()).isEqualTo(Kind.PAGES);
    assertThat(plan.rows()).containsExactly(15);
    assertThat(list(plan.recordRows())).containsExactly(15L);
    assertThat(plan.ranges().rowCount()).isEqualTo(1);
    assertThat(plan.ranges().isOverlapping(15, 15)).isTrue();
    // dictionary [4, 104) and page 1 [1104, 2104): 1000 bytes apart, read in one request
    assertThat(ranges(plan)).containsExactly(List.of(4L, 2104L));
  }

  @Test
  void runOfAdjacentRowsNeedsNoNeighbour() {
    Plan plan =
        PageRangePlanner.plan(rows(3, 4, 5), 0, 100, true, List.of(chunk(0, 0, 1000, 10, 100)));

    assertThat(plan.rows()).containsExactly(3, 4, 5);
    assertThat(ranges(plan)).containsExactly(List.of(0L, 1000L));
  }

  @Test
  void rowsAreRelativeToTheRowGroup() {
    Plan plan =
        PageRangePlanner.plan(
            rows(1003, 1004), 1000, 100, true, List.of(chunk(0, 0, 1000, 10, 100)));

    assertThat(plan.rows()).containsExactly(3, 4);
  }

  @Test
  void hitsAcrossPagesReadEachPageOnce() {
    Plan plan =
        PageRangePlanner.plan(rows(5, 25), 0, 100, true, List.of(chunk(0, 0, 1000, 10, 100)));

    // 24 and 26 both lie in 25's page: the neighbour before is taken
    assertThat(plan.rows()).containsExactly(5, 24, 25);
    assertThat(plan.ranges().rowCount()).isEqualTo(3);
    // pages 0 and 2, 1000 bytes apart: one request
    assertThat(ranges(plan)).containsExactly(List.of(0L, 3000L));
  }

  @Test
  void lastHitAtTheStartOfALaterPageTakesTheNeighbourInItsPage() {
    Plan plan =
        PageRangePlanner.plan(rows(5, 20), 0, 100, true, List.of(chunk(0, 0, 1000, 10, 100)));

    // 19 lies in page 1, 21 in 20's page 2: 21 costs no page read
    assertThat(plan.rows()).containsExactly(5, 20, 21);
    // pages 0 and 2, 1000 bytes apart: one request
    assertThat(ranges(plan)).containsExactly(List.of(0L, 3000L));
  }

  @Test
  void neighbourRuleCountsPageChangesOverEveryColumn() {
    // column a: pages of 10 rows; column b: pages of 7 rows. Last hit 21: 20 and 22 are in its
    // page of a; in b, 21 starts page 3 (rows 21-27), so 20 (page 2) would change page, 22 not.
    List<Chunk> chunks = List.of(chunk(0, 0, 1000, 10, 100), chunk(10_000, 0, 1000, 7, 100));
    Plan plan = PageRangePlanner.plan(rows(2, 21), 0, 100, true, chunks);

    assertThat(plan.rows()).containsExactly(2, 21, 22);
  }

  @Test
  void neighbourBeforeIsTakenWhenTheRowAfterIsInTheNextPage() {
    // 29 ends page 2 (rows 20-29): 28 lies in its page, 30 in the next
    Plan plan =
        PageRangePlanner.plan(rows(2, 29), 0, 100, true, List.of(chunk(0, 0, 1000, 10, 100)));

    assertThat(plan.rows()).containsExactly(2, 28, 29);
  }

  @Test
  void neighbourIsNotAddedWhenTheRowBeforeTheLastIsWanted() {
    Plan plan =
        PageRangePlanner.plan(rows(2, 19, 20), 0, 100, true, List.of(chunk(0, 0, 1000, 10, 100)));

    assertThat(plan.rows()).containsExactly(2, 19, 20);
  }

  @Test
  void firstAndLastRowOfTheFile() {
    Chunk c = chunk(0, 0, 1000, 10, 100);

    assertThat(PageRangePlanner.plan(rows(0), 0, 100, true, List.of(c)).rows()).containsExactly(0);
    assertThat(PageRangePlanner.plan(rows(99), 0, 100, true, List.of(c)).rows())
        .containsExactly(99);
    // no row after the last: the neighbour before is taken, though it is in the same page
    Plan both = PageRangePlanner.plan(rows(0, 99), 0, 100, true, List.of(c));
    assertThat(both.rows()).containsExactly(0, 98, 99);
    assertThat(ranges(both)).containsExactly(List.of(0L, 10_000L));
    // last page is short: a row group of 95 rows
    Plan shortLast =
        PageRangePlanner.plan(rows(0, 94), 0, 95, true, List.of(chunk(0, 0, 1000, 10, 95)));
    assertThat(shortLast.rows()).containsExactly(0, 93, 94);
  }

  @Test
  void dictionaryPageIsReadWithTheDataPages() {
    // chunk at 50_000: a dictionary page of 300 bytes, then pages of 1000 bytes
    Plan plan =
        PageRangePlanner.plan(rows(95), 0, 100, true, List.of(chunk(50_000, 300, 1000, 10, 100)));

    assertThat(plan.rows()).containsExactly(95);
    // dictionary [50_000, 50_300), page 9 [59_300, 60_300): one request over the gap
    assertThat(ranges(plan)).containsExactly(List.of(50_000L, 60_300L));
  }

  @Test
  void chunkWithoutDictionaryReadsOnlyItsPages() {
    Plan plan =
        PageRangePlanner.plan(rows(55), 0, 100, true, List.of(chunk(50_000, 0, 1000, 10, 100)));

    assertThat(ranges(plan)).containsExactly(List.of(55_000L, 56_000L));
  }

  @Test
  void farApartColumnsAreReadInSeparateRequests() {
    long far = 10L << 20;
    List<Chunk> chunks = List.of(chunk(0, 100, 1000, 10, 100), chunk(far, 100, 1000, 10, 100));
    Plan plan = PageRangePlanner.plan(rows(15), 0, 100, true, chunks);

    assertThat(ranges(plan)).containsExactly(List.of(0L, 2100L), List.of(far, far + 2100));
  }

  @Test
  void coalesceMergesOverlapsAndSmallGapsOnly() {
    List<long[]> merged =
        PageRangePlanner.coalesce(
            List.of(
                new long[] {5000, 6000},
                new long[] {0, 1000},
                new long[] {500, 1500},
                new long[] {1500 + PageRangePlanner.MAX_GAP, 1600 + PageRangePlanner.MAX_GAP},
                new long[] {
                  1601 + 2 * PageRangePlanner.MAX_GAP, 1700 + 2 * PageRangePlanner.MAX_GAP
                }));

    assertThat(merged.stream().map(r -> List.of(r[0], r[1])).toList())
        .containsExactly(
            List.of(0L, 1600 + PageRangePlanner.MAX_GAP),
            List.of(1601 + 2 * PageRangePlanner.MAX_GAP, 1700 + 2 * PageRangePlanner.MAX_GAP));
  }

  @Test
  void filesWithoutOffsetIndexesReadWholeChunksUpToTheLastHit() {
    List<Chunk> chunks = List.of(new Chunk(4, 5000, null), new Chunk(9000, 2000, null));
    Plan plan = PageRangePlanner.plan(rows(103, 107), 100, 50, true, chunks);

    assertThat(plan.kind()).isEqualTo(Kind.CHUNKS);
    assertThat(plan.ranges()).isNull();
    assertThat(list(plan.recordRows())).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L);
    assertThat(ranges(plan)).containsExactly(List.of(4L, 11_000L));
  }

  @Test
  void oneColumnWithoutOffsetIndexReadsWholeChunks() {
    List<Chunk> chunks = List.of(chunk(0, 0, 1000, 10, 100), new Chunk(20_000, 5000, null));
    Plan plan = PageRangePlanner.plan(rows(3), 0, 100, true, chunks);

    assertThat(plan.kind()).isEqualTo(Kind.CHUNKS);
    assertThat(ranges(plan)).containsExactly(List.of(0L, 25_000L));
  }

  @Test
  void onlyPartitionColumnsReadNothing() {
    Plan plan = PageRangePlanner.plan(rows(12, 30), 10, 100, false, List.of());

    assertThat(plan.kind()).isEqualTo(Kind.NONE);
    assertThat(list(plan.recordRows())).containsExactly(2L, 20L);
    assertThat(plan.fetch()).isEmpty();
  }
}
