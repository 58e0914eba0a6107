package io.lakeshelf.content.rows;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakeshelf.content.RowLocator;
import io.lakeshelf.content.storage.TableEngines;
import io.lakeshelf.content.table.ContentColumns;
import io.lakeshelf.content.table.ContentTable;
import io.lakeshelf.content.table.TableSnapshot;
import io.lakeshelf.content.testing.KernelRows;
import io.lakeshelf.content.testing.RandomParquetTable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The join reads, for any set of hits, exactly the rows Delta Kernel's reader gives, on data files
 * parquet-mr wrote directly in layouts drawn from a seed ({@link RandomParquetTable}): many row
 * groups, columns spanning one to thousands of pages that break at different rows per column,
 * dictionary and plain pages, page v1 and v2, texts up to 64 KB, nulls, lists and maps.
 *
 * <p>Each table is searched as the service would: sets of k = 1, 10, 50 and 1000 random rows (hits
 * spread over files, and runs of neighbouring rows), through one reader whose footers and decoded
 * pages are cached (warm), through new readers (cold), and through new readers without a page cache
 * (each row stepped to within its page), each with a different projection of columns.
 */
class RowReaderRandomLayoutsIT {

  private static final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();

  @TempDir Path dir;

  static Stream<Long> seeds() {
    return LongStream.rangeClosed(1, 16).boxed();
  }

  @AfterAll
  static void stop() {
    executor.shutdownNow();
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void everyHitIsTheRowKernelReads(long seed) {
    RandomParquetTable table =
        RandomParquetTable.write(dir.resolve("t" + seed), seed, 1 + (int) (seed % 3), 1500, true);
    TableSnapshot snapshot =
        ContentTable.open(
                TableEngines.local(),
                table.root().toString(),
                new ContentColumns("id", null, null, null, null, null),
                List.of())
            .latest();
    List<String> all = snapshot.schema().fieldNames();
    Map<RowLocator, Map<String, Object>> expected = KernelRows.read(snapshot, all);
    assertThat(expected).hasSize(table.ids().size());
    List<RowLocator> locators = new ArrayList<>(expected.keySet());

    Random random = new Random(seed * 31);
    RowReader warm = reader(snapshot);
    for (int k : new int[] {1, 10, 50, 1000}) {
      for (int query = 0; query < 6; query++) {
        List<RowLocator> hits = hits(random, locators, k, query % 2 == 1);
        List<String> columns = projection(random, all);
        // warm (footers and decoded pages cached), cold, and cold without a page cache (each
        // row read straight from its page, stepping from the page's first row)
        RowReader reader =
            switch (query % 3) {
              case 0 -> warm;
              case 1 -> reader(snapshot, TableEngines.local());
              default -> reader(snapshot, withoutPageCache());
            };
        Map<RowLocator, Map<String, Object>> actual = reader.read(hits, columns, path -> Map.of());
        assertThat(actual.keySet())
            .as("rows found, %s", table)
            .containsExactlyInAnyOrderElementsOf(hits);
        for (RowLocator hit : hits) {
          Map<String, Object> want = new java.util.LinkedHashMap<>();
          columns.forEach(c -> want.put(c, expected.get(hit).get(c)));
          assertThat(KernelRows.normalize(actual.get(hit)))
              .as("%s (k=%d, columns %s) of %s", hit, k, columns, table)
              .isEqualTo(KernelRows.normalize(want));
        }
      }
    }
  }

  private RowReader reader(TableSnapshot snapshot) {
    return reader(snapshot, TableEngines.local());
  }

  private static io.lakeshelf.content.storage.StorageEngine withoutPageCache() {
    return TableEngines.create(
        () -> {
          throw new IllegalStateException("no S3 here");
        },
        io.lakeshelf.content.storage.StorageRequestListener.NONE,
        TableEngines.DEFAULT_TAIL_CACHE_BYTES,
        TableEngines.DEFAULT_TAIL_READ_SIZE,
        0);
  }

  private RowReader reader(
      TableSnapshot snapshot, io.lakeshelf.content.storage.StorageEngine engine) {
    return new RowReader(
        engine,
        snapshot.location(),
        snapshot.schema(),
        snapshot.columnMappingMode(),
        snapshot.partitionColumns(),
        executor);
  }

  /**
   * k distinct rows: drawn at random, or as runs of neighbours in one file (the other hit's row
   * next door).
   */
  private static List<RowLocator> hits(Random random, List<RowLocator> all, int k, boolean runs) {
    if (k >= all.size()) {
      return all;
    }
    if (!runs) {
      List<RowLocator> shuffled = new ArrayList<>(all);
      Collections.shuffle(shuffled, random);
      return shuffled.subList(0, k);
    }
    java.util.LinkedHashSet<RowLocator> out = new java.util.LinkedHashSet<>();
    while (out.size() < k) {
      int start = random.nextInt(all.size());
      int run = 1 + random.nextInt(4);
      for (int i = start; i < Math.min(all.size(), start + run) && out.size() < k; i++) {
        out.add(all.get(i));
      }
    }
    return new ArrayList<>(out);
  }

  /** The id and a random subset of the other columns, in random order. */
  private static List<String> projection(Random random, List<String> all) {
    List<String> columns = new ArrayList<>();
    columns.add("id");
    for (String c : all) {
      if (!c.equals("id") && random.nextInt(3) != 0) {
        columns.add(c);
      }
    }
    Collections.shuffle(columns, random);
    return columns;
  }
}
