package io.lakeshelf.content.testing;

import io.delta.kernel.data.ColumnVector;
import io.delta.kernel.data.ColumnarBatch;
import io.delta.kernel.types.StructType;
import io.lakeshelf.content.RowLocator;
import io.lakeshelf.content.table.LiveFile;
import io.lakeshelf.content.table.TableSnapshot;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The oracle of join tests: every live row of a snapshot as Delta Kernel's own reader reads it. */
public final class KernelRows {

  private KernelRows() {}

  /** Every live row, keyed by its locator, each column as {@link KernelValues} gives it. */
  public static Map<RowLocator, Map<String, Object>> read(
      TableSnapshot snapshot, List<String> columns) {
    StructType schema = snapshot.schema();
    Map<RowLocator, Map<String, Object>> rows = new LinkedHashMap<>();
    try {
      for (LiveFile file : snapshot.liveFiles().values()) {
        snapshot.readRows(
            file,
            columns,
            batch -> {
              ColumnarBatch data = batch.getData();
              ColumnVector rowIndex = data.getColumnVector(columns.size());
              for (int i = 0; i < data.getSize(); i++) {
                if (batch.getSelectionVector().isPresent()
                    && (batch.getSelectionVector().get().isNullAt(i)
                        || !batch.getSelectionVector().get().getBoolean(i))) {
                  continue;
                }
                Map<String, Object> row = new LinkedHashMap<>();
                for (int c = 0; c < columns.size(); c++) {
                  row.put(
                      columns.get(c),
                      KernelValues.value(
                          data.getColumnVector(c),
                          i,
                          schema.at(schema.indexOf(columns.get(c))).getDataType()));
                }
                rows.put(new RowLocator(file.path(), rowIndex.getLong(i)), row);
              }
            });
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return rows;
  }

  /** byte[] compares by identity; turn it into a list so equal bytes compare equal. */
  public static Object normalize(Object o) {
    if (o instanceof byte[] b) {
      List<Byte> out = new ArrayList<>();
      for (byte x : b) out.add(x);
      return out;
    }
    if (o instanceof Map<?, ?> m) {
      Map<Object, Object> out = new LinkedHashMap<>();
      m.forEach((k, v) -> out.put(normalize(k), normalize(v)));
      return out;
    }
    if (o instanceof List<?> list) {
      return list.stream().map(KernelRows::normalize).toList();
    }
    return o;
  }
}
