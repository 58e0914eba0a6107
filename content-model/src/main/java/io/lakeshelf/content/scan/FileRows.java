package io.lakeshelf.content.scan;

import io.delta.kernel.data.ArrayValue;
import io.delta.kernel.data.ColumnVector;
import io.delta.kernel.data.ColumnarBatch;
import io.delta.kernel.data.FilteredColumnarBatch;
import io.delta.kernel.data.MapValue;
import io.delta.kernel.types.DoubleType;
import io.delta.kernel.types.StringType;
import io.delta.kernel.utils.CloseableIterator;
import io.lakeshelf.content.rows.JsonValues;
import io.lakeshelf.content.table.LiveFile;
import io.lakeshelf.content.table.TableSnapshot;
import io.lakeshelf.content.table.TypedMetadata;
import java.io.Closeable;
import java.io.IOException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A cursor over every row of one live data file of a snapshot, in file order, rows a deletion
 * vector masks included ({@link #deleted}), decoding the columns a {@link RowColumns} names to
 * plain Java values. Values are decoded when asked for, so the columns of rows a consumer skips
 * cost nothing. Not thread-safe; close it when done.
 *
 * <pre>{@code
 * try (FileRows rows = FileRows.open(snapshot, file, columns)) {
 *   while (rows.next()) {
 *     if (!rows.deleted()) { ... rows.id(), rows.rowIndex(), rows.vector() ... }
 *   }
 * }
 * }</pre>
 */
public final class FileRows implements Closeable {

  private final CloseableIterator<FilteredColumnarBatch> batches;
  private final int vectorAt;
  private final int titleAt;
  private final int textAt;
  private final int[] valueAt;
  private final List<RowColumns.ValueColumn> valueColumns;
  private final int[] metadataAt;
  private final int rowIndexAt;

  private FilteredColumnarBatch batch;
  private ColumnarBatch data;
  private ColumnType[] valueTypes;
  private int size;
  private int i = -1;

  private FileRows(
      CloseableIterator<FilteredColumnarBatch> batches,
      int vectorAt,
      int titleAt,
      int textAt,
      int[] valueAt,
      List<RowColumns.ValueColumn> valueColumns,
      int[] metadataAt,
      int rowIndexAt) {
    this.batches = batches;
    this.vectorAt = vectorAt;
    this.titleAt = titleAt;
    this.textAt = textAt;
    this.valueAt = valueAt;
    this.valueColumns = valueColumns;
    this.metadataAt = metadataAt;
    this.rowIndexAt = rowIndexAt;
  }

  /**
   * Opens the rows of {@code file}.
   *
   * @throws IllegalArgumentException when the table lacks the id, vector or a value column
   */
  public static FileRows open(TableSnapshot snapshot, LiveFile file, RowColumns columns)
      throws IOException {
    TableColumns schema = TableColumns.of(snapshot);
    List<String> read = new ArrayList<>();
    read.add(columns.id());
    int vectorAt = -1;
    if (columns.vector() != null) {
      read.add(columns.vector());
      vectorAt = read.size() - 1;
    }
    int titleAt = addColumn(read, columns.title(), schema);
    int textAt = addColumn(read, columns.text(), schema);
    int[] valueAt = new int[columns.values().size()];
    for (int k = 0; k < valueAt.length; k++) {
      String column = columns.values().get(k).column();
      if (!schema.has(column)) {
        throw new IllegalArgumentException(
            "table " + snapshot.location() + " has no column '" + column + "'");
      }
      valueAt[k] = addColumn(read, column, schema);
    }
    List<String> metadataColumns = TypedMetadata.columns(snapshot.schema(), columns.metadata());
    int[] metadataAt = new int[metadataColumns.size()];
    for (int k = 0; k < metadataAt.length; k++) {
      metadataAt[k] = addColumn(read, metadataColumns.get(k), schema);
    }
    int rowIndexAt = read.size();
    return new FileRows(
        snapshot.openRows(file, read),
        vectorAt,
        titleAt,
        textAt,
        valueAt,
        columns.values(),
        metadataAt,
        rowIndexAt);
  }

  /** Adds a column to read if the table has it; answers its position, or -1. */
  private static int addColumn(List<String> read, String column, TableColumns schema) {
    if (column == null || !schema.has(column)) {
      return -1;
    }
    int at = read.indexOf(column);
    if (at >= 0) {
      return at;
    }
    read.add(column);
    return read.size() - 1;
  }

  /** Moves to the next row; false after the last. */
  public boolean next() throws IOException {
    while (batch == null || i + 1 >= size) {
      if (!batches.hasNext()) {
        return false;
      }
      batch = batches.next();
      data = batch.getData();
      size = data.getSize();
      i = -1;
      valueTypes = new ColumnType[valueAt.length];
      for (int k = 0; k < valueAt.length; k++) {
        valueTypes[k] = ColumnType.of(data.getColumnVector(valueAt[k]).getDataType());
      }
    }
    i++;
    return true;
  }

  /** Whether the file's deletion vector masks this row (it is not a live row of the snapshot). */
  public boolean deleted() {
    return batch.getSelectionVector().isPresent()
        && (batch.getSelectionVector().get().isNullAt(i)
            || !batch.getSelectionVector().get().getBoolean(i));
  }

  /** The row's position in the file, from 0. */
  public long rowIndex() {
    return data.getColumnVector(rowIndexAt).getLong(i);
  }

  /**
   * The id's text form ({@link JsonValues#text(Object)}: a string as it is, an integer as its
   * decimal digits), or null for a null id.
   */
  public String id() {
    return JsonValues.text(data.getColumnVector(0), i);
  }

  /**
   * The vector as floats, as many as the row holds (doubles narrowed to floats; a null element as
   * NaN), or null when the vector is null or no vector column was asked for.
   */
  public float[] vector() {
    if (vectorAt < 0) {
      return null;
    }
    ColumnVector vectors = data.getColumnVector(vectorAt);
    if (vectors.isNullAt(i)) {
      return null;
    }
    ArrayValue array = vectors.getArray(i);
    ColumnVector elements = array.getElements();
    boolean doubles = elements.getDataType() instanceof DoubleType;
    float[] v = new float[array.getSize()];
    for (int j = 0; j < v.length; j++) {
      v[j] =
          elements.isNullAt(j)
              ? Float.NaN
              : doubles ? (float) elements.getDouble(j) : elements.getFloat(j);
    }
    return v;
  }

  /** The title, or null when null, not asked for, absent from the table or not a string column. */
  public String title() {
    return string(titleAt);
  }

  /** The text, or null when null, not asked for, absent from the table or not a string column. */
  public String text() {
    return string(textAt);
  }

  private String string(int at) {
    if (at < 0) {
      return null;
    }
    ColumnVector v = data.getColumnVector(at);
    return !v.isNullAt(i) && v.getDataType() instanceof StringType ? v.getString(i) : null;
  }

  /**
   * The values of the {@code k}-th of {@link RowColumns#values}: for a scalar column, none when
   * null or else one, of the Java type its {@link ColumnType} gives; for a map key, the text form
   * ({@link JsonValues#text(ColumnVector, int)}) of the non-null value of each entry with that key.
   *
   * @throws IllegalArgumentException for a column that is neither a scalar nor a map of scalars
   */
  public List<Object> values(int k) {
    ColumnVector v = data.getColumnVector(valueAt[k]);
    if (v.isNullAt(i)) {
      return List.of();
    }
    String key = valueColumns.get(k).mapKey();
    if (key != null) {
      MapValue map = v.getMap(i);
      ColumnVector keys = map.getKeys();
      ColumnVector values = map.getValues();
      List<Object> out = new ArrayList<>(1);
      for (int j = 0; j < map.getSize(); j++) {
        if (!keys.isNullAt(j) && key.equals(keys.getString(j)) && !values.isNullAt(j)) {
          out.add(JsonValues.text(values, j));
        }
      }
      return out;
    }
    return List.of(scalar(v, valueTypes[k], i));
  }

  /**
   * The row's metadata: every entry with a non-null key and value of the metadata map and its typed
   * siblings, each value in its JSON form ({@link JsonValues#json}: strings, booleans, integers,
   * floating-point numbers; decimals, dates, timestamps and binaries as their text). Empty when no
   * metadata column was asked for or the row has none.
   */
  public Map<String, Object> metadata() {
    if (metadataAt.length == 0) {
      return Map.of();
    }
    Map<String, Object> out = new LinkedHashMap<>();
    for (int at : metadataAt) {
      ColumnVector v = data.getColumnVector(at);
      if (v.isNullAt(i)) {
        continue;
      }
      MapValue map = v.getMap(i);
      ColumnVector keys = map.getKeys();
      ColumnVector values = map.getValues();
      ColumnType type = ColumnType.of(values.getDataType());
      for (int j = 0; j < map.getSize(); j++) {
        if (!keys.isNullAt(j) && !values.isNullAt(j)) {
          out.put(JsonValues.text(keys, j), JsonValues.json(scalar(values, type, j)));
        }
      }
    }
    return out;
  }

  private static Object scalar(ColumnVector v, ColumnType type, int i) {
    return switch (type) {
      case STRING -> v.getString(i);
      case BOOLEAN -> v.getBoolean(i);
      case BYTE -> v.getByte(i);
      case SHORT -> v.getShort(i);
      case INTEGER -> v.getInt(i);
      case LONG -> v.getLong(i);
      case FLOAT -> v.getFloat(i);
      case DOUBLE -> v.getDouble(i);
      case DECIMAL -> v.getDecimal(i);
      case BINARY -> v.getBinary(i);
      case DATE -> LocalDate.ofEpochDay(v.getInt(i));
      case TIMESTAMP -> micros(v.getLong(i));
      case TIMESTAMP_NTZ -> LocalDateTime.ofInstant(micros(v.getLong(i)), ZoneOffset.UTC);
      default ->
          throw new IllegalArgumentException(
              "no plain value for a value of type " + v.getDataType());
    };
  }

  private static Instant micros(long micros) {
    return Instant.ofEpochSecond(
        Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000L);
  }

  @Override
  public void close() throws IOException {
    batches.close();
  }
}
