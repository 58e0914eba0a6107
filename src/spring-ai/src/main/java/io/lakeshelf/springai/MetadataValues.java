package io.lakeshelf.springai;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Collection;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * How Spring AI metadata values (any {@code Object}) become Lakeshelf's typed JSON metadata and
 * back, and how filter values are written.
 *
 * <p>Lakeshelf keeps a metadata value's JSON type: string, integer (long range), floating point,
 * boolean. Java values map as follows: {@code CharSequence} and {@code Character} to strings;
 * {@code Byte}, {@code Short}, {@code Integer}, {@code Long} and a {@code BigInteger} in long range
 * to integers; {@code Float}, {@code Double} (finite) and {@code BigDecimal} to floating numbers;
 * {@code Boolean} to booleans; a {@link Date} to its ISO-8601 UTC text {@code
 * yyyy-MM-dd'T'HH:mm:ss'Z'} (the form Spring AI's {@code SimpleVectorStore} compares dates in);
 * enums to their name; any other scalar ({@code UUID}, {@code URI}, {@code java.time} values) to
 * its {@code toString()}. Collections, maps and arrays have no Lakeshelf metadata form and are
 * refused. Values read back come as {@code String}, {@code Integer} (or {@code Long} past int
 * range), {@code Double} and {@code Boolean}.
 */
final class MetadataValues {

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  /** The form {@code SimpleVectorStore} formats {@link Date} filter values in. */
  static final DateTimeFormatter DATE_FORMAT =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

  private static final BigInteger LONG_MIN = BigInteger.valueOf(Long.MIN_VALUE);
  private static final BigInteger LONG_MAX = BigInteger.valueOf(Long.MAX_VALUE);

  private MetadataValues() {}

  /**
   * The JSON object of a document's metadata.
   *
   * @throws IllegalArgumentException naming the key of a value that has no Lakeshelf form
   */
  static ObjectNode toJson(Map<String, Object> metadata) {
    ObjectNode out = NODES.objectNode();
    for (Map.Entry<String, Object> e : metadata.entrySet()) {
      if (e.getValue() == null) {
        continue;
      }
      try {
        out.set(e.getKey(), scalar(e.getValue()));
      } catch (IllegalArgumentException ex) {
        throw new IllegalArgumentException("metadata '" + e.getKey() + "': " + ex.getMessage(), ex);
      }
    }
    return out;
  }

  /**
   * One scalar value as Lakeshelf JSON.
   *
   * @throws IllegalArgumentException for a collection, map, array, non-finite number or an integer
   *     past the long range
   */
  static JsonNode scalar(Object value) {
    return switch (value) {
      case CharSequence s -> NODES.stringNode(s.toString());
      case Character c -> NODES.stringNode(c.toString());
      case Boolean b -> NODES.booleanNode(b);
      case Byte n -> NODES.numberNode(n.longValue());
      case Short n -> NODES.numberNode(n.longValue());
      case Integer n -> NODES.numberNode(n.longValue());
      case Long n -> NODES.numberNode(n);
      case BigInteger n -> {
        if (n.compareTo(LONG_MIN) < 0 || n.compareTo(LONG_MAX) > 0) {
          throw new IllegalArgumentException(n + " is outside the long range Lakeshelf holds");
        }
        yield NODES.numberNode(n.longValue());
      }
      // A float's shortest decimal form (0.1f is 0.1, not 0.10000000149011612).
      case Float n -> NODES.numberNode(finite(Double.parseDouble(Float.toString(n))));
      case Double n -> NODES.numberNode(finite(n));
      case BigDecimal n -> NODES.numberNode(finite(n.doubleValue()));
      case Number n -> NODES.numberNode(finite(n.doubleValue()));
      case Date d -> NODES.stringNode(DATE_FORMAT.format(d.toInstant()));
      case Enum<?> en -> NODES.stringNode(en.name());
      case Collection<?> c ->
          throw new IllegalArgumentException(
              "a collection has no Lakeshelf metadata form; use a string, number or boolean");
      case Map<?, ?> m ->
          throw new IllegalArgumentException(
              "a map has no Lakeshelf metadata form; use a string, number or boolean");
      default -> {
        if (value.getClass().isArray()) {
          throw new IllegalArgumentException(
              "an array has no Lakeshelf metadata form; use a string, number or boolean");
        }
        yield NODES.stringNode(value.toString());
      }
    };
  }

  private static double finite(double d) {
    if (!Double.isFinite(d)) {
      throw new IllegalArgumentException(d + " is not a finite number");
    }
    return d;
  }

  /** A document's metadata as read back: JSON types to their Java values. */
  static Map<String, Object> fromJson(JsonNode metadata) {
    Map<String, Object> out = new LinkedHashMap<>();
    if (metadata == null || !metadata.isObject()) {
      return out;
    }
    for (Map.Entry<String, JsonNode> e : metadata.properties()) {
      Object v = value(e.getValue());
      if (v != null) {
        out.put(e.getKey(), v);
      }
    }
    return out;
  }

  private static Object value(JsonNode v) {
    if (v == null || v.isNull() || v.isMissingNode()) {
      return null;
    }
    if (v.isString()) {
      return v.stringValue();
    }
    if (v.isBoolean()) {
      return v.booleanValue();
    }
    if (v.isIntegralNumber()) {
      if (v.canConvertToInt()) {
        return v.intValue();
      }
      if (v.canConvertToLong()) {
        return v.longValue();
      }
      return v.bigIntegerValue();
    }
    if (v.isNumber()) {
      return v.doubleValue();
    }
    return v.toString();
  }
}
