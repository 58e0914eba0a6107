package io.lakeshelf.content.table;

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
import io.lakeshelf.content.VectorSpec;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Which Delta types each column role accepts, checked against a table's schema before anything is
 * built on it (and again whenever its schema changes):
 *
 * <ul>
 *   <li><b>id</b>: string, or an integer type (byte, short, integer, long), whose ids are their
 *       decimal digits ({@code 42}) in the index, in answers and in lookups by id;
 *   <li><b>title</b>, <b>text</b>: string;
 *   <li><b>images</b>: {@code array<struct<uri: string, ...>>}; of the other fields the anchor
 *       reads, {@code content_type}, {@code checksum} and {@code checksum_algo} must be strings and
 *       {@code size_bytes} an integer type when present; further fields are ignored;
 *   <li><b>metadata</b>: {@code map<string, V>} with V string or another scalar type (boolean, an
 *       integer type, float, double, decimal, date, timestamp, timestamp_ntz, binary), whose values
 *       read as their text form ({@link io.lakeshelf.content.rows.JsonValues});
 *   <li><b>vector</b> columns: {@code array<float>} or {@code array<double>}.
 * </ul>
 */
public final class ColumnRoles {

  private ColumnRoles() {}

  static final String ID_NEEDS = "string or an integer type (byte, short, integer, long)";
  static final String TEXT_NEEDS = "string";
  static final String IMAGES_NEEDS =
      "array<struct<uri: string, ...>> (content_type, checksum and "
          + "checksum_algo strings, size_bytes an integer type, when present)";
  static final String METADATA_NEEDS =
      "map<string, V> with V a string or another scalar type (boolean, byte, short, integer, long,"
          + " float, double, decimal, date, timestamp, timestamp_ntz, binary)";
  static final String VECTOR_NEEDS = "array<float> or array<double>";

  /**
   * Checks that the table has every mapped column with a type its role accepts.
   *
   * @throws SchemaMismatchException naming the first column that is missing or of the wrong type,
   *     with its type and what the role needs
   */
  public static void check(StructType schema, ContentColumns columns, List<VectorSpec> vectors) {
    role(schema, "id", columns.id(), ColumnRoles::isIdType, ID_NEEDS);
    role(schema, "title", columns.title(), t -> t instanceof StringType, TEXT_NEEDS);
    role(schema, "text", columns.text(), t -> t instanceof StringType, TEXT_NEEDS);
    role(schema, "images", columns.images(), ColumnRoles::isImagesType, IMAGES_NEEDS);
    role(schema, "metadata", columns.metadata(), ColumnRoles::isMetadataType, METADATA_NEEDS);
    for (VectorSpec v : vectors) {
      int index = schema.indexOf(v.column());
      if (index < 0) {
        throw new SchemaMismatchException(
            "the table has no column '" + v.column() + "' for vector '" + v.name() + "'");
      }
      DataType type = schema.at(index).getDataType();
      if (!isVectorType(type)) {
        throw new SchemaMismatchException(
            "column '"
                + v.column()
                + "' is "
                + describe(type)
                + "; vector '"
                + v.name()
                + "' needs "
                + VECTOR_NEEDS);
      }
    }
  }

  private static void role(
      StructType schema, String role, String column, Predicate<DataType> accepts, String needs) {
    if (column == null) {
      return;
    }
    int index = schema.indexOf(column);
    if (index < 0) {
      throw new SchemaMismatchException(
          "the table has no column '" + column + "' for the " + role + " role");
    }
    DataType type = schema.at(index).getDataType();
    if (!accepts.test(type)) {
      throw new SchemaMismatchException(
          "column '"
              + column
              + "' is "
              + describe(type)
              + "; the "
              + role
              + " role needs "
              + needs);
    }
  }

  static boolean isIntegerType(DataType t) {
    return t instanceof ByteType
        || t instanceof ShortType
        || t instanceof IntegerType
        || t instanceof LongType;
  }

  static boolean isIdType(DataType t) {
    return t instanceof StringType || isIntegerType(t);
  }

  /** The types with a text form: what metadata values may be. */
  static boolean isScalar(DataType t) {
    return t instanceof StringType
        || t instanceof BooleanType
        || isIntegerType(t)
        || t instanceof FloatType
        || t instanceof DoubleType
        || t instanceof DecimalType
        || t instanceof DateType
        || t instanceof TimestampType
        || t instanceof TimestampNTZType
        || t instanceof BinaryType;
  }

  static boolean isMetadataType(DataType t) {
    return t instanceof MapType m
        && m.getKeyType() instanceof StringType
        && isScalar(m.getValueType());
  }

  static boolean isImagesType(DataType t) {
    if (!(t instanceof ArrayType a) || !(a.getElementType() instanceof StructType s)) {
      return false;
    }
    StructField uri = field(s, ImageStruct.URI);
    if (uri == null || !(uri.getDataType() instanceof StringType)) {
      return false;
    }
    for (String name :
        List.of(ImageStruct.CONTENT_TYPE, ImageStruct.CHECKSUM, ImageStruct.CHECKSUM_ALGORITHM)) {
      StructField f = field(s, name);
      if (f != null && !(f.getDataType() instanceof StringType)) {
        return false;
      }
    }
    StructField size = field(s, ImageStruct.SIZE_BYTES);
    return size == null || isIntegerType(size.getDataType());
  }

  static boolean isVectorType(DataType t) {
    return t instanceof ArrayType a
        && (a.getElementType() instanceof FloatType || a.getElementType() instanceof DoubleType);
  }

  private static StructField field(StructType s, String name) {
    int i = s.indexOf(name);
    return i < 0 ? null : s.at(i);
  }

  /**
   * A type as messages name it, in Delta's schema names: {@code string}, {@code long}, {@code
   * decimal(10,2)}, {@code array<float>}, {@code map<string, integer>}, {@code struct<a: string>}.
   */
  public static String describe(DataType t) {
    if (t instanceof ArrayType a) {
      return "array<" + describe(a.getElementType()) + ">";
    }
    if (t instanceof MapType m) {
      return "map<" + describe(m.getKeyType()) + ", " + describe(m.getValueType()) + ">";
    }
    if (t instanceof StructType s) {
      return s.fields().stream()
          .map(f -> f.getName() + ": " + describe(f.getDataType()))
          .collect(Collectors.joining(", ", "struct<", ">"));
    }
    if (t instanceof DecimalType d) {
      return "decimal(" + d.getPrecision() + "," + d.getScale() + ")";
    }
    if (t instanceof TimestampNTZType) {
      return "timestamp_ntz";
    }
    return t.toString().toLowerCase(Locale.ROOT);
  }
}
