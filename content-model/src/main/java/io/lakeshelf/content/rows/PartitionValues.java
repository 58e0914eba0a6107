package io.lakeshelf.content.rows;

import io.delta.kernel.types.BooleanType;
import io.delta.kernel.types.ByteType;
import io.delta.kernel.types.DataType;
import io.delta.kernel.types.DateType;
import io.delta.kernel.types.DecimalType;
import io.delta.kernel.types.DoubleType;
import io.delta.kernel.types.FloatType;
import io.delta.kernel.types.IntegerType;
import io.delta.kernel.types.LongType;
import io.delta.kernel.types.ShortType;
import io.delta.kernel.types.StringType;
import io.delta.kernel.types.TimestampNTZType;
import io.delta.kernel.types.TimestampType;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.temporal.ChronoField;

/**
 * Parses the partition values a Delta log stores as strings into the values {@link ParquetValues}
 * gives for the same type (the Delta protocol's "Partition Value Serialization").
 */
final class PartitionValues {

  private static final DateTimeFormatter TIMESTAMP =
      new DateTimeFormatterBuilder()
          .appendPattern("yyyy-MM-dd HH:mm:ss")
          .optionalStart()
          .appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true)
          .optionalEnd()
          .toFormatter();

  private PartitionValues() {}

  static Object parse(String value, DataType type) {
    if (value == null) {
      return null;
    }
    if (type instanceof StringType) {
      return value;
    }
    if (value.isEmpty()) {
      return null;
    }
    if (type instanceof LongType) return Long.parseLong(value);
    if (type instanceof IntegerType) return Integer.parseInt(value);
    if (type instanceof ShortType) return Short.parseShort(value);
    if (type instanceof ByteType) return Byte.parseByte(value);
    if (type instanceof DoubleType) return Double.parseDouble(value);
    if (type instanceof FloatType) return Float.parseFloat(value);
    if (type instanceof BooleanType) return Boolean.parseBoolean(value);
    if (type instanceof DecimalType d) return new BigDecimal(value).setScale(d.getScale());
    if (type instanceof DateType) return LocalDate.parse(value);
    if (type instanceof TimestampType) return timestamp(value);
    if (type instanceof TimestampNTZType) return LocalDateTime.parse(value, TIMESTAMP);
    throw new IllegalStateException("unsupported partition column type " + type);
  }

  private static Instant timestamp(String value) {
    if (value.contains("T")) {
      return Instant.parse(value.endsWith("Z") ? value : value + "Z");
    }
    return LocalDateTime.parse(value, TIMESTAMP).toInstant(ZoneOffset.UTC);
  }
}
