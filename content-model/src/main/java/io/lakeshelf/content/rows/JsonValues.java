package io.lakeshelf.content.rows;

import io.delta.kernel.data.ColumnVector;
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
import io.delta.kernel.types.ShortType;
import io.delta.kernel.types.StringType;
import io.delta.kernel.types.TimestampNTZType;
import io.delta.kernel.types.TimestampType;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How table values become JSON and text: the one renderer used wherever a value of a row leaves the
 * service (a document's id and metadata, image anchors, filter keywords, the index's ids), so a
 * value reads the same everywhere.
 *
 * <ul>
 *   <li>string, boolean: as they are;
 *   <li>byte, short, integer, long: JSON numbers; as text, their decimal digits ({@code 42});
 *   <li>float, double: JSON numbers (Java's shortest form that reads back to the same value); NaN
 *       and the infinities, which JSON lacks, as the strings {@code "NaN"}, {@code "Infinity"},
 *       {@code "-Infinity"};
 *   <li>decimal: a JSON <b>string</b> of its exact digits at the column's scale, never in exponent
 *       form ({@code "123.45"}, {@code "0.10"}): a JSON number would lose digits in clients that
 *       read numbers as doubles;
 *   <li>binary: base64, standard alphabet, padded (RFC 4648 section 4);
 *   <li>date: ISO-8601 {@code yyyy-mm-dd};
 *   <li>timestamp: an ISO-8601 instant in UTC with a {@code Z} and as many fraction digits as it
 *       has ({@code 2024-03-05T06:07:08.123456Z}); timestamp_ntz: ISO-8601 local date-time without
 *       zone ({@code 2024-03-05T06:07:08.123456});
 *   <li>array: a JSON array; map: a JSON object whose keys are the keys' text form; struct: a JSON
 *       object by field name. As text (where one string is needed), these are their JSON.
 * </ul>
 */
public final class JsonValues {

  private JsonValues() {}

  /**
   * The JSON form of a value as {@link RowReader} returns it: null, {@code String}, {@code
   * Boolean}, {@code Long}/{@code Integer}/{@code Short}/{@code Byte}, {@code Double}/{@code Float}
   * (finite), {@code List} or {@code Map<String, Object>}; a JSON mapper writes it as is.
   */
  public static Object json(Object value) {
    if (value == null || value instanceof String || value instanceof Boolean) {
      return value;
    }
    if (value instanceof Byte
        || value instanceof Short
        || value instanceof Integer
        || value instanceof Long) {
      return value;
    }
    if (value instanceof Float f) {
      return Float.isFinite(f) ? f : f.toString();
    }
    if (value instanceof Double d) {
      return Double.isFinite(d) ? d : d.toString();
    }
    if (value instanceof List<?> list) {
      List<Object> out = new ArrayList<>(list.size());
      list.forEach(e -> out.add(json(e)));
      return out;
    }
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> out = new LinkedHashMap<>();
      map.forEach((k, v) -> out.put(text(k), json(v)));
      return out;
    }
    return scalarText(value);
  }

  /**
   * One document's metadata from the maps {@link io.lakeshelf.content.table.TypedMetadata#columns}
   * names, in that order (null for a row whose map is null): each value in its JSON form ({@link
   * #json}); a key in several maps takes the value of the last.
   */
  public static Map<String, Object> metadata(List<?> maps) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (Object map : maps) {
      if (map instanceof Map<?, ?> m) {
        m.forEach(
            (k, v) -> {
              if (k != null) {
                out.put(text(k), json(v));
              }
            });
      }
    }
    return out;
  }

  /**
   * The text form of a value (see the class comment): a scalar's text, or the JSON of an array, map
   * or struct; null for null.
   */
  public static String text(Object value) {
    if (value == null) {
      return null;
    }
    if (value instanceof String s) {
      return s;
    }
    if (value instanceof List<?> || value instanceof Map<?, ?>) {
      StringBuilder out = new StringBuilder();
      writeJson(json(value), out);
      return out.toString();
    }
    return scalarText(value);
  }

  private static String scalarText(Object value) {
    return switch (value) {
      case BigDecimal d -> d.toPlainString();
      case byte[] b -> Base64.getEncoder().encodeToString(b);
      case Instant t -> t.toString();
      case LocalDate d -> d.toString();
      case LocalDateTime t -> t.toString();
      default -> value.toString(); // booleans and numbers
    };
  }

  /**
   * The text form of element {@code i} of a Kernel vector of a scalar type, as {@link
   * #text(Object)} renders the same value read from Parquet; null when the element is null.
   *
   * @throws IllegalArgumentException for an array, map, struct or other non-scalar vector
   */
  public static String text(ColumnVector v, int i) {
    if (v.isNullAt(i)) {
      return null;
    }
    DataType t = v.getDataType();
    return switch (t) {
      case StringType s -> v.getString(i);
      case LongType l -> Long.toString(v.getLong(i));
      case IntegerType n -> Integer.toString(v.getInt(i));
      case ShortType s -> Short.toString(v.getShort(i));
      case ByteType b -> Byte.toString(v.getByte(i));
      case BooleanType b -> Boolean.toString(v.getBoolean(i));
      case FloatType f -> Float.toString(v.getFloat(i));
      case DoubleType d -> Double.toString(v.getDouble(i));
      case DecimalType d -> v.getDecimal(i).toPlainString();
      case BinaryType b -> Base64.getEncoder().encodeToString(v.getBinary(i));
      case DateType d -> LocalDate.ofEpochDay(v.getInt(i)).toString();
      case TimestampType ts -> micros(v.getLong(i)).toString();
      case TimestampNTZType ts ->
          LocalDateTime.ofInstant(micros(v.getLong(i)), ZoneOffset.UTC).toString();
      default -> throw new IllegalArgumentException("no text form for a value of type " + t);
    };
  }

  private static Instant micros(long micros) {
    return Instant.ofEpochSecond(
        Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000L);
  }

  /** Writes the JSON of a value {@link #json} made. */
  private static void writeJson(Object v, StringBuilder out) {
    if (v == null) {
      out.append("null");
    } else if (v instanceof String s) {
      quote(s, out);
    } else if (v instanceof List<?> list) {
      out.append('[');
      for (int i = 0; i < list.size(); i++) {
        if (i > 0) {
          out.append(',');
        }
        writeJson(list.get(i), out);
      }
      out.append(']');
    } else if (v instanceof Map<?, ?> map) {
      out.append('{');
      boolean first = true;
      for (Map.Entry<?, ?> e : map.entrySet()) {
        if (!first) {
          out.append(',');
        }
        first = false;
        quote((String) e.getKey(), out);
        out.append(':');
        writeJson(e.getValue(), out);
      }
      out.append('}');
    } else {
      out.append(v); // numbers (finite) and booleans
    }
  }

  private static void quote(String s, StringBuilder out) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }
}
