package io.lakeshelf.content.table;

import io.delta.kernel.types.BooleanType;
import io.delta.kernel.types.DataType;
import io.delta.kernel.types.DoubleType;
import io.delta.kernel.types.LongType;
import io.delta.kernel.types.MapType;
import io.delta.kernel.types.StringType;
import io.delta.kernel.types.StructType;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How a table holds typed metadata: a document's metadata is one JSON object whose values are
 * strings, integers, floating-point numbers or booleans, and Delta has no column type for such a
 * mixed map. So metadata lies in plain maps, one per type, each key in one of them:
 *
 * <pre>
 * metadata          map&lt;string, string&gt;    string values
 * metadata_long     map&lt;string, bigint&gt;    integer values (JSON integers, long range)
 * metadata_double   map&lt;string, double&gt;    floating-point values (JSON numbers with a fraction
 *                                         or an exponent, finite)
 * metadata_boolean  map&lt;string, boolean&gt;   boolean values
 * </pre>
 *
 * Spark reads them as it reads any map ({@code metadata['lang']}, {@code metadata_long['year'] >
 * 2020}). The typed maps are siblings of the metadata column, named by its name and a suffix, and
 * are read as metadata wherever a table has them with exactly these types (tables Lakeshelf created
 * before typed metadata have the string map only: their values are strings, as they were written).
 * A key found in more than one map takes the value of the last of them in the order above ({@code
 * io.lakeshelf.content.rows.JsonValues#metadata}).
 *
 * <p>The metadata of an external table's {@code map<string, V>} keeps V's JSON type: integers and
 * floating-point numbers are numbers, booleans booleans, and the other scalars (decimal, date,
 * timestamp, binary) the strings {@code io.lakeshelf.content.rows.JsonValues} renders them as.
 */
public final class TypedMetadata {

  private TypedMetadata() {}

  /** The suffix of the integer map's column. */
  public static final String LONG_SUFFIX = "_long";

  /** The suffix of the floating-point map's column. */
  public static final String DOUBLE_SUFFIX = "_double";

  /** The suffix of the boolean map's column. */
  public static final String BOOLEAN_SUFFIX = "_boolean";

  /** The typed sibling columns of a metadata column, with their Delta types, in read order. */
  public static Map<String, MapType> siblings(String metadataColumn) {
    Map<String, MapType> out = new LinkedHashMap<>();
    out.put(metadataColumn + LONG_SUFFIX, new MapType(StringType.STRING, LongType.LONG, true));
    out.put(
        metadataColumn + DOUBLE_SUFFIX, new MapType(StringType.STRING, DoubleType.DOUBLE, true));
    out.put(
        metadataColumn + BOOLEAN_SUFFIX, new MapType(StringType.STRING, BooleanType.BOOLEAN, true));
    return out;
  }

  /**
   * The columns holding a table's metadata, in read order: the metadata column (when the schema has
   * it) and each typed sibling the schema has with its exact type. Empty when {@code
   * metadataColumn} is null or absent.
   */
  public static List<String> columns(StructType schema, String metadataColumn) {
    List<String> out = new ArrayList<>();
    if (metadataColumn == null || schema.indexOf(metadataColumn) < 0) {
      return out;
    }
    out.add(metadataColumn);
    siblings(metadataColumn)
        .forEach(
            (name, type) -> {
              int at = schema.indexOf(name);
              if (at >= 0 && sameMap(schema.at(at).getDataType(), type)) {
                out.add(name);
              }
            });
    return out;
  }

  /** Whether the schema holds typed metadata (all three typed maps beside the metadata column). */
  public static boolean isTyped(StructType schema, String metadataColumn) {
    return columns(schema, metadataColumn).size() == 1 + siblings(metadataColumn).size();
  }

  private static boolean sameMap(DataType actual, MapType wanted) {
    return actual instanceof MapType m
        && m.getKeyType().equals(wanted.getKeyType())
        && m.getValueType().equals(wanted.getValueType());
  }

  /**
   * A metadata value as Lakeshelf writes it: a {@code String}, a {@code Long} (any Java integer of
   * the long range), a finite {@code Double} (any other finite Java number) or a {@code Boolean}.
   *
   * @throws IllegalArgumentException for null, a non-finite number, an integer beyond the long
   *     range or any other type
   */
  public static Object normalize(Object value) {
    return switch (value) {
      case null -> throw new IllegalArgumentException("a metadata value is null");
      case String s -> s;
      case Boolean b -> b;
      case Long l -> l;
      case Integer i -> (long) i;
      case Short s -> (long) s;
      case Byte b -> (long) b;
      case BigInteger b -> {
        if (b.bitLength() >= 64) {
          throw new IllegalArgumentException(
              "the integer " + b + " is beyond the range of a 64-bit integer");
        }
        yield b.longValue();
      }
      case Number n -> {
        double d = n.doubleValue();
        if (!Double.isFinite(d)) {
          throw new IllegalArgumentException("the number " + n + " is not a finite double");
        }
        yield d;
      }
      default ->
          throw new IllegalArgumentException(
              "a metadata value must be a string, a number or a boolean, not " + value);
    };
  }
}
