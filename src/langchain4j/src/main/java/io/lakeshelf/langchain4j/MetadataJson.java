package io.lakeshelf.langchain4j;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.langchain4j.data.document.Metadata;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * LangChain4j metadata values as Lakeshelf's typed metadata JSON, and back.
 *
 * <table>
 *   <caption>Value types</caption>
 *   <tr><th>LangChain4j</th><th>sent as</th><th>read back as</th></tr>
 *   <tr><td>String</td><td>string</td><td>String</td></tr>
 *   <tr><td>UUID</td><td>string</td><td>String ({@code getUUID} parses it)</td></tr>
 *   <tr><td>Integer, Long</td><td>JSON integer</td><td>Integer if it fits, else Long</td></tr>
 *   <tr><td>Float</td><td>JSON number of its decimal form ({@code 1.1f} as {@code 1.1})</td>
 *       <td>Double ({@code getFloat} gives the float back exactly)</td></tr>
 *   <tr><td>Double</td><td>JSON number</td><td>Double</td></tr>
 * </table>
 *
 * A float is sent as the decimal its {@link Float#toString} writes, not as the binary value {@code
 * (double) f} ({@code 1.100000023841858}), because LangChain4j compares numbers by that decimal
 * form ({@code new BigDecimal(value.toString())}): {@code 1.1f} equals {@code 1.1d} there, and so
 * it does in Lakeshelf. Values Lakeshelf holds that LangChain4j metadata cannot (booleans, written
 * by other clients) come back as their JSON text ({@code "true"}).
 */
final class MetadataJson {

  private MetadataJson() {}

  /** The metadata as the JSON object of a document's {@code metadata}. */
  static ObjectNode toJson(Metadata metadata) {
    ObjectNode json = JsonNodeFactory.instance.objectNode();
    metadata.toMap().forEach((key, value) -> json.set(key, value(key, value)));
    return json;
  }

  /**
   * A metadata or filter value as JSON: strings, UUIDs (as strings), integers, floating point
   * numbers and booleans.
   *
   * @throws IllegalArgumentException for another type, or a number that is not finite
   */
  static JsonNode value(String key, Object value) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    return switch (value) {
      case String s -> f.textNode(s);
      case UUID u -> f.textNode(u.toString());
      case Integer i -> f.numberNode(i);
      case Long l -> f.numberNode(l);
      case Short s -> f.numberNode(s.intValue());
      case Byte b -> f.numberNode(b.intValue());
      case BigInteger b -> f.numberNode(b);
      case Float x -> f.numberNode(Double.parseDouble(Float.toString(finite(key, x))));
      case Double x -> f.numberNode(finite(key, x));
      case BigDecimal b -> f.numberNode(b);
      case Boolean b -> f.booleanNode(b);
      case null -> throw new IllegalArgumentException("metadata key '" + key + "' has no value");
      default ->
          throw new IllegalArgumentException(
              "metadata key '"
                  + key
                  + "' has a value of type "
                  + value.getClass().getName()
                  + ", which Lakeshelf cannot hold: use a String, UUID, Integer, Long, Float or"
                  + " Double");
    };
  }

  private static <N extends Number> N finite(String key, N number) {
    if (!Double.isFinite(number.doubleValue())) {
      throw new IllegalArgumentException(
          "metadata key '" + key + "' is " + number + ": Lakeshelf holds finite numbers only");
    }
    return number;
  }

  /** A document's {@code metadata} object (or null) as LangChain4j metadata. */
  static Metadata fromJson(JsonNode json) {
    Map<String, Object> values = new LinkedHashMap<>();
    if (json != null && json.isObject()) {
      for (Map.Entry<String, JsonNode> e : json.properties()) {
        Object v = value(e.getValue());
        if (v != null) {
          values.put(e.getKey(), v);
        }
      }
    }
    return Metadata.from(values);
  }

  private static Object value(JsonNode v) {
    if (v == null || v.isNull() || v.isMissingNode()) {
      return null;
    }
    if (v.isTextual()) {
      return v.textValue();
    }
    if (v.isIntegralNumber()) {
      if (v.canConvertToInt()) {
        return v.intValue();
      }
      return v.canConvertToLong() ? (Object) v.longValue() : v.asText();
    }
    if (v.isNumber()) {
      return v.doubleValue();
    }
    // Booleans and anything nested: LangChain4j metadata holds no such type.
    return v.isValueNode() ? v.asText() : v.toString();
  }
}
