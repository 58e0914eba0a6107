package io.lakeshelf.content.rows;

import static org.assertj.core.api.Assertions.assertThat;

import io.delta.kernel.data.ColumnVector;
import io.delta.kernel.data.ColumnarBatch;
import io.delta.kernel.types.DataType;
import io.delta.kernel.types.StructType;
import io.lakeshelf.content.table.ContentColumns;
import io.lakeshelf.content.table.ContentTable;
import io.lakeshelf.content.table.LiveFile;
import io.lakeshelf.content.table.TableSnapshot;
import io.lakeshelf.content.testing.Fixtures;
import io.lakeshelf.content.testing.KernelValues;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Values JSON has no direct form for render one documented way, from Parquet and from Kernel alike.
 */
class JsonValuesTest {

  @TempDir Path dir;

  @Test
  void scalarsRenderAsDocumented() {
    assertThat(JsonValues.text(new byte[] {0, 1, 2, (byte) 0xfb, (byte) 0xff}))
        .isEqualTo("AAEC+/8=");
    assertThat(JsonValues.json(new byte[] {0, 1})).isEqualTo("AAE=");
    assertThat(JsonValues.json(new BigDecimal("0.10"))).isEqualTo("0.10");
    assertThat(JsonValues.json(new BigDecimal("1E+3"))).isEqualTo("1000");
    assertThat(JsonValues.json(new BigDecimal("12345678901234567890.123456789")))
        .isEqualTo("12345678901234567890.123456789");
    assertThat(JsonValues.json(LocalDate.of(2024, 3, 5))).isEqualTo("2024-03-05");
    assertThat(JsonValues.json(Instant.parse("2024-03-05T06:07:08.123456Z")))
        .isEqualTo("2024-03-05T06:07:08.123456Z");
    assertThat(JsonValues.json(Instant.parse("2024-03-05T06:07:08Z")))
        .isEqualTo("2024-03-05T06:07:08Z");
    assertThat(JsonValues.json(LocalDateTime.parse("2024-03-05T06:07:08.5")))
        .isEqualTo("2024-03-05T06:07:08.500");
    assertThat(JsonValues.json(42L)).isEqualTo(42L);
    assertThat(JsonValues.text(42L)).isEqualTo("42");
    assertThat(JsonValues.text((short) -7)).isEqualTo("-7");
    assertThat(JsonValues.text(true)).isEqualTo("true");
    assertThat(JsonValues.text(0.1f)).isEqualTo("0.1");
    assertThat(JsonValues.json(Double.NaN)).isEqualTo("NaN");
    assertThat(JsonValues.json(Float.NEGATIVE_INFINITY)).isEqualTo("-Infinity");
    assertThat(JsonValues.json(null)).isNull();
    assertThat(JsonValues.text(null)).isNull();
  }

  @Test
  void arraysMapsAndStructsAreJsonArraysAndObjects() {
    Map<Object, Object> byNumber = new LinkedHashMap<>();
    byNumber.put(1, new byte[] {0, 1});
    byNumber.put(2, null);
    Map<String, Object> struct = new LinkedHashMap<>();
    struct.put("a", "x\"y\n");
    struct.put("b", List.of(1, 2.5, new BigDecimal("3.00")));
    struct.put("m", byNumber);
    assertThat(JsonValues.json(struct))
        .isEqualTo(
            Map.of(
                "a",
                "x\"y\n",
                "b",
                List.of(1, 2.5, "3.00"),
                "m",
                new LinkedHashMap<>(Map.of("1", "AAE=")) {
                  {
                    put("2", null);
                  }
                }));
    assertThat(JsonValues.text(struct))
        .isEqualTo(
            "{\"a\":\"x\\\"y\\n\",\"b\":[1,2.5,\"3.00\"],\"m\":{\"1\":\"AAE=\",\"2\":null}}");
    assertThat(JsonValues.text(List.of("a", "b"))).isEqualTo("[\"a\",\"b\"]");
  }

  /** The index renders values from Kernel's vectors, the join from Parquet: the same text. */
  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {"data-reader-primitives", "data-reader-partition-values", "type-widening"})
  void kernelVectorsRenderAsTheSameValuesReadFromParquet(String name) throws Exception {
    Path table = Fixtures.copy("delta-golden/" + name, dir);
    TableSnapshot snapshot =
        ContentTable.open(
                io.lakeshelf.content.storage.TableEngines.local(),
                table.toString(),
                new ContentColumns(firstColumn(table), null, null, null, null, null),
                List.of())
            .latest();
    StructType schema = snapshot.schema();
    List<String> columns = schema.fieldNames();
    AtomicInteger compared = new AtomicInteger();
    for (LiveFile file : snapshot.liveFiles().values()) {
      snapshot.readRows(
          file,
          columns,
          batch -> {
            ColumnarBatch data = batch.getData();
            for (int c = 0; c < columns.size(); c++) {
              DataType type = schema.at(c).getDataType();
              if (type.isNested()) {
                continue;
              }
              ColumnVector v = data.getColumnVector(c);
              for (int i = 0; i < data.getSize(); i++) {
                assertThat(JsonValues.text(v, i))
                    .as(columns.get(c) + " " + type)
                    .isEqualTo(JsonValues.text(KernelValues.value(v, i, type)));
                compared.incrementAndGet();
              }
            }
          });
    }
    assertThat(compared.get()).isPositive();
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
