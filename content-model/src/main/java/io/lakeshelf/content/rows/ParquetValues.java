package io.lakeshelf.content.rows;

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
import io.delta.kernel.types.StructField;
import io.delta.kernel.types.StructType;
import io.delta.kernel.types.TimestampNTZType;
import io.delta.kernel.types.TimestampType;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;

/**
 * Converts values of a Parquet record (parquet-mr's example {@link Group}) to Java values of the
 * Delta type the table declares, following the Parquet format's LIST and MAP layouts (standard
 * three-level and legacy two-level) and widening narrower physical types to the declared type.
 *
 * <p>Java values: string {@code String}; byte, short, integer, long as {@code Byte}, {@code Short},
 * {@code Integer}, {@code Long}; float and double as {@code Float}, {@code Double}; boolean; binary
 * {@code byte[]}; decimal {@code BigDecimal}; date {@code LocalDate}; timestamp {@code Instant};
 * timestamp_ntz {@code LocalDateTime}; array {@code List}; map {@code Map} (insertion ordered);
 * struct {@code Map<String, Object>} by logical field name.
 */
final class ParquetValues {

  private static final long JULIAN_EPOCH_DAY = 2_440_588L;
  private static final long MICROS_PER_DAY = 86_400_000_000L;

  private final ColumnResolver resolver;

  ParquetValues(ColumnResolver resolver) {
    this.resolver = resolver;
  }

  /** The value of field {@code index} of {@code g}, or null when absent. */
  Object read(Group g, int index, DataType type) {
    if (index < 0 || g.getFieldRepetitionCount(index) == 0) {
      return null;
    }
    Type parquetType = g.getType().getType(index);
    if (parquetType.isPrimitive()) {
      if (parquetType.isRepetition(Type.Repetition.REPEATED) && type instanceof ArrayType array) {
        // A bare repeated primitive: a list with no LIST annotation.
        List<Object> out = new ArrayList<>();
        for (int i = 0; i < g.getFieldRepetitionCount(index); i++) {
          out.add(primitive(g, index, i, parquetType.asPrimitiveType(), array.getElementType()));
        }
        return out;
      }
      return primitive(g, index, 0, parquetType.asPrimitiveType(), type);
    }
    Group child = g.getGroup(index, 0);
    if (type instanceof StructType struct) {
      return struct(child, struct);
    }
    if (type instanceof ArrayType array) {
      return list(child, array.getElementType());
    }
    if (type instanceof MapType map) {
      return map(child, map);
    }
    throw new IllegalStateException("Parquet group for Delta type " + type);
  }

  Map<String, Object> struct(Group g, StructType type) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (StructField f : type.fields()) {
      out.put(f.getName(), read(g, resolver.indexIn(g.getType(), f), f.getDataType()));
    }
    return out;
  }

  private List<Object> list(Group list, DataType elementType) {
    GroupType listType = list.getType();
    Type repeated = listType.getType(0);
    int n = list.getFieldRepetitionCount(0);
    List<Object> out = new ArrayList<>(n);
    boolean threeLevel =
        !repeated.isPrimitive()
            && repeated.asGroupType().getFieldCount() == 1
            && !repeated.getName().equals("array")
            && !repeated.getName().endsWith("_tuple");
    for (int i = 0; i < n; i++) {
      if (repeated.isPrimitive()) {
        out.add(primitive(list, 0, i, repeated.asPrimitiveType(), elementType));
      } else if (threeLevel) {
        out.add(read(list.getGroup(0, i), 0, elementType));
      } else if (elementType instanceof StructType struct) {
        out.add(struct(list.getGroup(0, i), struct));
      } else {
        out.add(read(list.getGroup(0, i), 0, elementType));
      }
    }
    return out;
  }

  private Map<Object, Object> map(Group map, MapType type) {
    int n = map.getFieldRepetitionCount(0);
    Map<Object, Object> out = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      Group kv = map.getGroup(0, i);
      Object key = read(kv, 0, type.getKeyType());
      Object value = kv.getType().getFieldCount() > 1 ? read(kv, 1, type.getValueType()) : null;
      out.put(key, value);
    }
    return out;
  }

  private static Object primitive(Group g, int field, int i, PrimitiveType p, DataType type) {
    Object raw =
        switch (p.getPrimitiveTypeName()) {
          case BOOLEAN -> g.getBoolean(field, i);
          case INT32 -> g.getInteger(field, i);
          case INT64 -> g.getLong(field, i);
          case FLOAT -> g.getFloat(field, i);
          case DOUBLE -> g.getDouble(field, i);
          case INT96 -> g.getInt96(field, i);
          case BINARY, FIXED_LEN_BYTE_ARRAY -> g.getBinary(field, i);
        };
    return convert(raw, p, type);
  }

  /**
   * A primitive value as the Java value of the Delta type: {@code raw} is the value as Parquet
   * decodes it for the physical type ({@code Boolean}, {@code Integer} for INT32, {@code Long} for
   * INT64, {@code Float}, {@code Double}, or {@link Binary} for INT96, BINARY and
   * FIXED_LEN_BYTE_ARRAY). The one conversion of both the record path and {@link DirectColumns}.
   */
  static Object convert(Object raw, PrimitiveType p, DataType type) {
    PrimitiveType.PrimitiveTypeName physical = p.getPrimitiveTypeName();
    LogicalTypeAnnotation logical = p.getLogicalTypeAnnotation();
    if (type instanceof StringType) {
      return ((Binary) raw).toStringUsingUTF8();
    }
    if (type instanceof BooleanType) {
      return (Boolean) raw;
    }
    if (type instanceof LongType) {
      return physical == PrimitiveType.PrimitiveTypeName.INT32 ? (long) (Integer) raw : (Long) raw;
    }
    if (type instanceof IntegerType) {
      return (Integer) raw;
    }
    if (type instanceof ShortType) {
      return (short) (int) (Integer) raw;
    }
    if (type instanceof ByteType) {
      return (byte) (int) (Integer) raw;
    }
    if (type instanceof DoubleType) {
      return switch (physical) {
        case FLOAT -> (double) (Float) raw;
        case INT32 -> (double) (Integer) raw;
        case INT64 -> (double) (Long) raw;
        default -> (Double) raw;
      };
    }
    if (type instanceof FloatType) {
      return physical == PrimitiveType.PrimitiveTypeName.DOUBLE
          ? (float) (double) (Double) raw
          : (Float) raw;
    }
    if (type instanceof BinaryType) {
      return ((Binary) raw).getBytes();
    }
    if (type instanceof DateType) {
      return LocalDate.ofEpochDay((Integer) raw);
    }
    if (type instanceof TimestampType) {
      return instant(raw, physical, logical);
    }
    if (type instanceof TimestampNTZType) {
      if (physical == PrimitiveType.PrimitiveTypeName.INT32) { // widened from date
        return LocalDate.ofEpochDay((Integer) raw).atStartOfDay();
      }
      return LocalDateTime.ofInstant(instant(raw, physical, logical), ZoneOffset.UTC);
    }
    if (type instanceof DecimalType decimal) {
      BigInteger unscaled =
          switch (physical) {
            case INT32 -> BigInteger.valueOf((Integer) raw);
            case INT64 -> BigInteger.valueOf((Long) raw);
            default -> new BigInteger(((Binary) raw).getBytes());
          };
      int scale =
          logical instanceof LogicalTypeAnnotation.DecimalLogicalTypeAnnotation d
              ? d.getScale()
              : 0;
      return new BigDecimal(unscaled, scale).setScale(decimal.getScale());
    }
    throw new IllegalStateException("unsupported Delta type " + type);
  }

  private static Instant instant(
      Object raw, PrimitiveType.PrimitiveTypeName physical, LogicalTypeAnnotation logical) {
    if (physical == PrimitiveType.PrimitiveTypeName.INT96) {
      ByteBuffer buf = ((Binary) raw).toByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
      long nanosOfDay = buf.getLong();
      long julianDay = Integer.toUnsignedLong(buf.getInt());
      return micros((julianDay - JULIAN_EPOCH_DAY) * MICROS_PER_DAY + nanosOfDay / 1000);
    }
    if (physical == PrimitiveType.PrimitiveTypeName.INT32) { // widened from date
      return LocalDate.ofEpochDay((Integer) raw).atStartOfDay().toInstant(ZoneOffset.UTC);
    }
    long value = (Long) raw;
    if (logical instanceof LogicalTypeAnnotation.TimestampLogicalTypeAnnotation ts) {
      return switch (ts.getUnit()) {
        case MILLIS -> Instant.ofEpochMilli(value);
        case MICROS -> micros(value);
        case NANOS -> Instant.ofEpochSecond(0, value);
      };
    }
    return micros(value);
  }

  private static Instant micros(long micros) {
    return Instant.ofEpochSecond(
        Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000L);
  }
}
