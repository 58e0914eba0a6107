package io.lakeshelf.content.testing;

import io.delta.kernel.data.ArrayValue;
import io.delta.kernel.data.ColumnVector;
import io.delta.kernel.data.MapValue;
import io.delta.kernel.types.ArrayType;
import io.delta.kernel.types.BinaryType;
import io.delta.kernel.types.BooleanType;
import io.delta.kernel.types.ByteType;
import io.delta.kernel.types.DataType;
import io.delta.kernel.types.DateType;
import io.delta.kernel.types.DecimalType;
import io.delta.kernel.types.DoubleType;
import io.delta.kernel.types.FloatType;
import io.delta.kernel.types.IntegerType;
import io.delta.kernel.types.LongType;
import io.delta.kernel.types.MapType;
import io.delta.kernel.types.ShortType;
import io.delta.kernel.types.StringType;
import io.delta.kernel.types.StructType;
import io.delta.kernel.types.TimestampNTZType;
import io.delta.kernel.types.TimestampType;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Delta Kernel's own values as the same Java values {@link ParquetValues} produces. */
public final class KernelValues {

  private KernelValues() {}

  public static Object value(ColumnVector v, int row, DataType type) {
    if (v.isNullAt(row)) {
      return null;
    }
    if (type instanceof StringType) return v.getString(row);
    if (type instanceof BooleanType) return v.getBoolean(row);
    if (type instanceof LongType) return v.getLong(row);
    if (type instanceof IntegerType) return v.getInt(row);
    if (type instanceof ShortType) return v.getShort(row);
    if (type instanceof ByteType) return v.getByte(row);
    if (type instanceof DoubleType) return v.getDouble(row);
    if (type instanceof FloatType) return v.getFloat(row);
    if (type instanceof BinaryType) return v.getBinary(row);
    if (type instanceof DecimalType) return v.getDecimal(row);
    if (type instanceof DateType) return LocalDate.ofEpochDay(v.getInt(row));
    if (type instanceof TimestampType) return micros(v.getLong(row));
    if (type instanceof TimestampNTZType)
      return LocalDateTime.ofInstant(micros(v.getLong(row)), ZoneOffset.UTC);
    if (type instanceof StructType struct) {
      Map<String, Object> out = new LinkedHashMap<>();
      for (int i = 0; i < struct.length(); i++) {
        out.put(struct.at(i).getName(), value(v.getChild(i), row, struct.at(i).getDataType()));
      }
      return out;
    }
    if (type instanceof ArrayType array) {
      ArrayValue a = v.getArray(row);
      List<Object> out = new ArrayList<>();
      for (int i = 0; i < a.getSize(); i++) {
        out.add(value(a.getElements(), i, array.getElementType()));
      }
      return out;
    }
    if (type instanceof MapType map) {
      MapValue m = v.getMap(row);
      Map<Object, Object> out = new LinkedHashMap<>();
      for (int i = 0; i < m.getSize(); i++) {
        out.put(
            value(m.getKeys(), i, map.getKeyType()), value(m.getValues(), i, map.getValueType()));
      }
      return out;
    }
    throw new IllegalStateException("unsupported type " + type);
  }

  private static Instant micros(long micros) {
    return Instant.ofEpochSecond(
        Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000L);
  }
}
