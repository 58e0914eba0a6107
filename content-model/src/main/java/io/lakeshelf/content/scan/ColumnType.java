package io.lakeshelf.content.scan;

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

/**
 * The type of a table column, as far as consumers of {@link FileRows} tell types apart. The Java
 * value {@link FileRows#values} yields for each scalar type is given with it.
 */
public enum ColumnType {
  /** {@link String}. */
  STRING,
  /** {@link Boolean}. */
  BOOLEAN,
  /** {@link Byte}. */
  BYTE,
  /** {@link Short}. */
  SHORT,
  /** {@link Integer}. */
  INTEGER,
  /** {@link Long}. */
  LONG,
  /** {@link Float}. */
  FLOAT,
  /** {@link Double}. */
  DOUBLE,
  /** {@link java.math.BigDecimal}. */
  DECIMAL,
  /** {@code byte[]}. */
  BINARY,
  /** {@link java.time.LocalDate}. */
  DATE,
  /** {@link java.time.Instant} (microsecond precision). */
  TIMESTAMP,
  /** {@link java.time.LocalDateTime} (microsecond precision, no zone). */
  TIMESTAMP_NTZ,
  ARRAY,
  MAP,
  STRUCT,
  /** A type none of the others names (variant, say). */
  OTHER;

  /** Whether a value of this type is a single value (not an array, map or struct). */
  public boolean isScalar() {
    return this != ARRAY && this != MAP && this != STRUCT && this != OTHER;
  }

  /** The type of a Kernel data type. */
  public static ColumnType of(DataType t) {
    return switch (t) {
      case StringType s -> STRING;
      case BooleanType b -> BOOLEAN;
      case ByteType b -> BYTE;
      case ShortType s -> SHORT;
      case IntegerType i -> INTEGER;
      case LongType l -> LONG;
      case FloatType f -> FLOAT;
      case DoubleType d -> DOUBLE;
      case DecimalType d -> DECIMAL;
      case BinaryType b -> BINARY;
      case DateType d -> DATE;
      case TimestampType ts -> TIMESTAMP;
      case TimestampNTZType ts -> TIMESTAMP_NTZ;
      case ArrayType a -> ARRAY;
      case MapType m -> MAP;
      case StructType s -> STRUCT;
      default -> OTHER;
    };
  }
}
