package io.lakeshelf.content.rows;

import static org.assertj.core.api.Assertions.assertThat;

import io.delta.kernel.types.StructType;
import io.lakeshelf.content.RowLocator;
import io.lakeshelf.content.storage.TableEngines;
import io.lakeshelf.content.table.ContentColumns;
import io.lakeshelf.content.table.ContentTable;
import io.lakeshelf.content.table.LiveFile;
import io.lakeshelf.content.table.TableSnapshot;
import io.lakeshelf.content.testing.Fixtures;
import io.lakeshelf.content.testing.KernelRows;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The join's row reader reads every live row of Delta's golden tables (written by Spark) exactly as
 * Delta Kernel's own reader does: column mapping by name and id, deletion vectors, partition
 * values, checkpoints of every kind, type widening, nested structs, arrays and maps.
 */
class RowReaderGoldenTablesIT {

  @TempDir Path dir;

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "data-reader-primitives",
        "data-reader-array-primitives",
        "data-reader-map",
        "data-reader-nested-struct",
        "data-reader-partition-values",
        "dv-partitioned-with-checkpoint",
        "dv-with-columnmapping",
        "table-with-columnmapping-mode-name",
        "table-with-columnmapping-mode-id",
        "type-widening",
        "multi-part-checkpoint",
        "v2-checkpoint-json",
        "v2-checkpoint-parquet",
        "snapshot-vacuumed",
        "basic-with-inserts-updates",
        "basic-with-inserts-deletes-checkpoint",
        "corrupted-last-checkpoint-kernel",
        "log-replay-dv-key-cases",
        "spark-content-table"
      })
  void readsEveryLiveRowAsKernelDoes(String name) throws Exception {
    Path table =
        name.equals("spark-content-table")
            ? Fixtures.copy("spark-content-table/table", dir)
            : Fixtures.copy("delta-golden/" + name, dir);
    TableSnapshot snapshot =
        ContentTable.open(
                io.lakeshelf.content.storage.TableEngines.local(),
                table.toString(),
                new ContentColumns(firstColumn(table), null, null, null, null, null),
                List.of())
            .latest();
    StructType schema = snapshot.schema();
    List<String> columns = schema.fieldNames();
    Map<RowLocator, Map<String, Object>> expected = KernelRows.read(snapshot, columns);
    assertThat(expected).as("live rows of " + name).isNotEmpty();
    RowReader reader =
        new RowReader(
            TableEngines.local(),
            snapshot.location(),
            schema,
            snapshot.columnMappingMode(),
            snapshot.partitionColumns(),
            Executors.newVirtualThreadPerTaskExecutor());
    Map<RowLocator, Map<String, Object>> actual =
        reader.read(
            new ArrayList<>(expected.keySet()),
            columns,
            path -> snapshot.file(path).map(LiveFile::partitionValues).orElse(Map.of()));
    assertThat(actual.keySet()).isEqualTo(expected.keySet());
    for (RowLocator l : expected.keySet()) {
      assertThat(KernelRows.normalize(actual.get(l)))
          .as(name + " " + l)
          .isEqualTo(KernelRows.normalize(expected.get(l)));
    }
  }

  private static String firstColumn(Path table) {
    io.delta.kernel.engine.Engine engine = io.lakeshelf.content.storage.TableEngines.local();
    return io.delta.kernel.Table.forPath(engine, table.toString())
        .getLatestSnapshot(engine)
        .getSchema()
        .at(0)
        .getName();
  }
}
