package io.lakeshelf.content.rows;

import io.delta.kernel.types.ArrayType;
import io.delta.kernel.types.DataType;
import io.delta.kernel.types.MapType;
import io.delta.kernel.types.StructField;
import io.delta.kernel.types.StructType;
import io.lakeshelf.content.rows.LeafColumnReader.LeafValue;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;

/**
 * The columns of a data file the join reads straight from their pages ({@link LeafColumnReader}),
 * and how a row's value is put together from its leaves' values. Three shapes, the ones content
 * tables use, are read this way; every other column (structs, lists of structs, nested collections,
 * legacy list layouts) goes through Parquet's record reader ({@link RowDecoder}), and both give the
 * same values ({@link ParquetValues#convert} is their one conversion).
 *
 * <ul>
 *   <li><b>primitive</b>: a top-level primitive column, not repeated; null unless defined at the
 *       leaf.
 *   <li><b>map</b> of primitive keys and values: a group of one repeated group of a key and
 *       (optionally) a value; null map, empty map and entries told apart by the key's definition
 *       level.
 *   <li><b>list</b> of primitives, in the standard three-level layout ({@code group (LIST) {
 *       repeated group list { element } }}) or two-level with a repeated primitive; null list,
 *       empty list and elements told apart likewise, null elements kept.
 * </ul>
 */
final class DirectColumns {

  private DirectColumns() {}

  enum Shape {
    PRIMITIVE,
    MAP,
    LIST
  }

  /**
   * One column read directly.
   *
   * @param field the table's field
   * @param shape how its leaves make a value
   * @param leaves its leaf columns in the file: the value, or key then value (maps)
   * @param containerLevel the definition level at which the list or map is present (not null)
   * @param entryLevel the definition level at which a list or map entry is present
   */
  record Column(
      StructField field,
      Shape shape,
      List<ColumnDescriptor> leaves,
      int containerLevel,
      int entryLevel) {

    /** The value of one row, from each leaf's values of that row (in {@link #leaves} order). */
    Object value(List<List<LeafValue>> leafValues) {
      return switch (shape) {
        case PRIMITIVE -> {
          LeafValue v = leafValues.get(0).get(0);
          yield v.raw() == null ? null : convert(0, v.raw(), field.getDataType());
        }
        case LIST -> list(leafValues.get(0));
        case MAP -> map(leafValues);
      };
    }

    private Object list(List<LeafValue> values) {
      LeafValue first = values.get(0);
      if (first.definitionLevel() < containerLevel) {
        return null;
      }
      List<Object> out = new ArrayList<>(values.size());
      if (first.definitionLevel() < entryLevel) {
        return out;
      }
      DataType element = ((ArrayType) field.getDataType()).getElementType();
      for (LeafValue v : values) {
        out.add(v.raw() == null ? null : convert(0, v.raw(), element));
      }
      return out;
    }

    private Object map(List<List<LeafValue>> leafValues) {
      List<LeafValue> keys = leafValues.get(0);
      LeafValue first = keys.get(0);
      if (first.definitionLevel() < containerLevel) {
        return null;
      }
      Map<Object, Object> out = new LinkedHashMap<>();
      if (first.definitionLevel() < entryLevel) {
        return out;
      }
      MapType type = (MapType) field.getDataType();
      List<LeafValue> values = leaves.size() > 1 ? leafValues.get(1) : null;
      if (values != null && values.size() != keys.size()) {
        throw new IllegalStateException(
            "a map row of "
                + field.getName()
                + " has "
                + keys.size()
                + " keys and "
                + values.size()
                + " values");
      }
      for (int i = 0; i < keys.size(); i++) {
        Object key =
            keys.get(i).raw() == null ? null : convert(0, keys.get(i).raw(), type.getKeyType());
        Object value =
            values == null || values.get(i).raw() == null
                ? null
                : convert(1, values.get(i).raw(), type.getValueType());
        out.put(key, value);
      }
      return out;
    }

    private Object convert(int leaf, Object raw, DataType type) {
      return ParquetValues.convert(raw, leaves.get(leaf).getPrimitiveType(), type);
    }
  }

  /**
   * How a table field is read directly from a file of this schema, or empty when only the record
   * reader reads it (or the file does not have it).
   */
  static Optional<Column> of(StructField field, MessageType file, ColumnResolver resolver) {
    int index = resolver.indexIn(file, field);
    if (index < 0) {
      return Optional.empty();
    }
    Type t = file.getType(index);
    DataType type = field.getDataType();
    if (t.isRepetition(Type.Repetition.REPEATED)) {
      return Optional.empty();
    }
    if (t.isPrimitive()) {
      return isPrimitive(type)
          ? Optional.of(new Column(field, Shape.PRIMITIVE, List.of(leaf(file, t.getName())), 0, 0))
          : Optional.empty();
    }
    GroupType g = t.asGroupType();
    if (g.getFieldCount() != 1 || !g.getType(0).isRepetition(Type.Repetition.REPEATED)) {
      return Optional.empty();
    }
    Type repeated = g.getType(0);
    int container = file.getMaxDefinitionLevel(t.getName());
    int entry = file.getMaxDefinitionLevel(t.getName(), repeated.getName());
    if (type instanceof MapType map
        && isPrimitive(map.getKeyType())
        && isPrimitive(map.getValueType())) {
      if (repeated.isPrimitive()) {
        return Optional.empty();
      }
      GroupType kv = repeated.asGroupType();
      if (kv.getFieldCount() < 1 || kv.getFieldCount() > 2 || !flatPrimitives(kv)) {
        return Optional.empty();
      }
      List<ColumnDescriptor> leaves = new ArrayList<>();
      for (Type f : kv.getFields()) {
        leaves.add(leaf(file, t.getName(), kv.getName(), f.getName()));
      }
      return Optional.of(new Column(field, Shape.MAP, leaves, container, entry));
    }
    if (type instanceof ArrayType array && isPrimitive(array.getElementType())) {
      if (repeated.isPrimitive()) {
        return Optional.of(
            new Column(
                field,
                Shape.LIST,
                List.of(leaf(file, t.getName(), repeated.getName())),
                container,
                entry));
      }
      GroupType list = repeated.asGroupType();
      boolean threeLevel =
          list.getFieldCount() == 1
              && !list.getName().equals("array")
              && !list.getName().endsWith("_tuple")
              && flatPrimitives(list);
      if (!threeLevel) {
        return Optional.empty();
      }
      return Optional.of(
          new Column(
              field,
              Shape.LIST,
              List.of(leaf(file, t.getName(), list.getName(), list.getType(0).getName())),
              container,
              entry));
    }
    return Optional.empty();
  }

  private static boolean flatPrimitives(GroupType g) {
    for (Type f : g.getFields()) {
      if (!f.isPrimitive() || f.isRepetition(Type.Repetition.REPEATED)) {
        return false;
      }
    }
    return true;
  }

  private static boolean isPrimitive(DataType type) {
    return !(type instanceof ArrayType || type instanceof MapType || type instanceof StructType);
  }

  private static ColumnDescriptor leaf(MessageType file, String... path) {
    ColumnDescriptor d = file.getColumnDescription(path);
    PrimitiveType p = d.getPrimitiveType();
    if (p == null) {
      throw new IllegalStateException("no primitive column " + String.join(".", path));
    }
    return d;
  }
}
