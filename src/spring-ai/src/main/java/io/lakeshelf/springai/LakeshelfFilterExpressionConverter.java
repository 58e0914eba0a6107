package io.lakeshelf.springai;

import java.util.Date;
import java.util.List;
import java.util.Objects;
import org.springframework.ai.vectorstore.filter.Filter;
import org.springframework.ai.vectorstore.filter.Filter.ExpressionType;
import org.springframework.ai.vectorstore.filter.FilterExpressionConverter;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Translates Spring AI's portable filter expressions ({@link Filter.Expression}, also what {@code
 * SearchRequest.filterExpression("country == 'BG'")} parses to) into Lakeshelf's JSON filter
 * language.
 *
 * <p>A key {@code k} is the metadata field {@code metadata.k} (outer quotes of a quoted key are
 * removed). Values keep their JSON type: numbers stay numbers, so {@code year > 2020} compares
 * numerically, integers and floating values alike; strings compare with strings; a {@link Date}
 * becomes its ISO-8601 UTC text {@code yyyy-MM-dd'T'HH:mm:ss'Z'}, as {@code SimpleVectorStore}
 * compares it.
 *
 * <p><b>Missing keys.</b> The translation keeps the meaning Spring AI's own in-memory store, {@code
 * SimpleVectorStore}, gives an expression for a document that lacks the key: there the missing
 * value is {@code null}, ordered before every value ("nulls first"). A Lakeshelf comparison matches
 * only rows that have the field ({@code ne} included), and {@code not} is the complement among all
 * rows, so:
 *
 * <table>
 *   <caption>Spring AI expression to Lakeshelf filter</caption>
 *   <tr><th>Spring AI</th><th>Lakeshelf</th><th>a document without {@code k}</th></tr>
 *   <tr><td>{@code k == v}</td><td>{@code {"field":"metadata.k","eq":v}}</td><td>no match</td></tr>
 *   <tr><td>{@code k != v}</td><td>{@code {"not":{"field":"metadata.k","eq":v}}}</td>
 *       <td>matches</td></tr>
 *   <tr><td>{@code k > v}, {@code k >= v}</td><td>{@code {"field":..,"gt"|"gte":v}}</td>
 *       <td>no match</td></tr>
 *   <tr><td>{@code k < v}, {@code k <= v}</td>
 *       <td>{@code {"or":[{"field":..,"lt"|"lte":v},{"field":..,"exists":false}]}}</td>
 *       <td>matches (null is less than any value)</td></tr>
 *   <tr><td>{@code k in [..]}</td><td>{@code {"field":..,"in":[..]}}</td><td>no match</td></tr>
 *   <tr><td>{@code k nin [..]}</td><td>{@code {"not":{"field":..,"in":[..]}}}</td>
 *       <td>matches</td></tr>
 *   <tr><td>{@code k IS NULL}</td><td>{@code {"field":..,"exists":false}}</td><td>matches</td></tr>
 *   <tr><td>{@code k IS NOT NULL}</td><td>{@code {"field":..,"exists":true}}</td>
 *       <td>no match</td></tr>
 *   <tr><td>{@code a && b}, {@code a || b}, {@code NOT a}</td>
 *       <td>{@code {"and":[..]}}, {@code {"or":[..]}}, {@code {"not":..}}</td><td>by its parts</td></tr>
 * </table>
 *
 * <p>A range on a boolean ({@code draft > false}) becomes the booleans it admits ({@code
 * {"field":..,"in":[true]}}), {@code false} ordered before {@code true} as in {@code
 * SimpleVectorStore}: Lakeshelf itself refuses ranges on booleans. Strings order by their UTF-8
 * bytes in Lakeshelf and by UTF-16 units in Java, which differ only between characters beyond
 * U+FFFF and those from U+E000 to U+FFFF.
 *
 * <p>Chains of one operator ({@code a && b && c}) become one {@code and} list, so that they do not
 * nest deeper than the server's filter depth limit. {@code in} and {@code nin} with an empty list
 * match nothing and everything, as in {@code SimpleVectorStore}. Where the types of a document's
 * value and the filter value differ, Lakeshelf's comparison does not match (no error), so {@code
 * !=} and {@code nin} then match.
 *
 * <p>{@link #convertExpression} gives the filter as JSON text; {@link #toJson} as a tree. Safe for
 * concurrent use.
 */
public final class LakeshelfFilterExpressionConverter implements FilterExpressionConverter {

  /** The prefix of the filter fields that name metadata keys. */
  public static final String METADATA_PREFIX = "metadata.";

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  /** The filter as Lakeshelf JSON text. */
  @Override
  public String convertExpression(Filter.Expression expression) {
    return toJson(expression).toString();
  }

  /**
   * The filter as a Lakeshelf JSON tree.
   *
   * @throws IllegalArgumentException for an expression that is malformed (a missing operand, a key
   *     that is not a {@link Filter.Key}, a non-list value for {@code in}) or a value with no
   *     Lakeshelf form
   */
  public ObjectNode toJson(Filter.Expression expression) {
    Objects.requireNonNull(expression, "expression");
    return expression(expression);
  }

  private ObjectNode operand(Filter.Operand operand) {
    return switch (operand) {
      case Filter.Group group -> expression(group.content());
      case Filter.Expression expression -> expression(expression);
      case null -> throw new IllegalArgumentException("an operand is missing");
      default ->
          throw new IllegalArgumentException(
              "expected an expression but got " + operand.getClass().getSimpleName());
    };
  }

  private ObjectNode expression(Filter.Expression e) {
    ExpressionType type = Objects.requireNonNull(e.type(), "the expression has no type");
    return switch (type) {
      case AND, OR -> {
        ArrayNode parts = NODES.arrayNode();
        flatten(e, type, parts);
        yield single(type == ExpressionType.AND ? "and" : "or", parts);
      }
      case NOT -> not(operand(e.left()));
      case EQ -> comparison(e, "eq");
      case NE -> not(comparison(e, "eq"));
      case GT -> range(e, "gt");
      case GTE -> range(e, "gte");
      case LT -> orMissing(e, range(e, "lt"));
      case LTE -> orMissing(e, range(e, "lte"));
      case IN -> in(e);
      case NIN -> not(in(e));
      case ISNULL -> exists(field(e), false);
      case ISNOTNULL -> exists(field(e), true);
    };
  }

  private void flatten(Filter.Expression e, ExpressionType type, ArrayNode parts) {
    for (Filter.Operand side : new Filter.Operand[] {e.left(), e.right()}) {
      Filter.Operand o = side instanceof Filter.Group g ? g.content() : side;
      if (o instanceof Filter.Expression inner && inner.type() == type) {
        flatten(inner, type, parts);
      } else {
        parts.add(operand(o));
      }
    }
  }

  private ObjectNode comparison(Filter.Expression e, String op) {
    ObjectNode node = NODES.objectNode();
    node.put("field", field(e));
    node.set(op, value(rightValue(e)));
    return node;
  }

  /**
   * A range. Lakeshelf compares booleans with {@code eq}, {@code ne} and {@code in} only (a range
   * is 400); {@code SimpleVectorStore} orders {@code false} before {@code true}, so a range on a
   * boolean becomes the set of booleans it admits.
   */
  private ObjectNode range(Filter.Expression e, String op) {
    if (!(rightValue(e) instanceof Boolean bound)) {
      return comparison(e, op);
    }
    List<Boolean> admitted =
        switch (op) {
          case "gt" -> bound ? List.of() : List.of(true);
          case "gte" -> bound ? List.of(true) : List.of(false, true);
          case "lt" -> bound ? List.of(false) : List.of();
          case "lte" -> bound ? List.of(false, true) : List.of(false);
          default -> throw new IllegalArgumentException(op);
        };
    return in(field(e), admitted);
  }

  private ObjectNode orMissing(Filter.Expression e, ObjectNode comparison) {
    ArrayNode parts = NODES.arrayNode();
    parts.add(comparison);
    parts.add(exists(field(e), false));
    return single("or", parts);
  }

  private ObjectNode in(Filter.Expression e) {
    Object value = rightValue(e);
    if (!(value instanceof List<?> list)) {
      throw new IllegalArgumentException(
          "'" + e.type() + "' needs a list of values, not " + describe(value));
    }
    return in(field(e), list);
  }

  private static ObjectNode in(String field, List<?> list) {
    if (list.isEmpty()) {
      // Nothing is in an empty list: a filter no row matches (has the field and has it not).
      ArrayNode parts = NODES.arrayNode();
      parts.add(exists(field, true));
      parts.add(exists(field, false));
      return single("and", parts);
    }
    ArrayNode values = NODES.arrayNode();
    for (Object item : list) {
      values.add(value(item));
    }
    ObjectNode node = NODES.objectNode();
    node.put("field", field);
    node.set("in", values);
    return node;
  }

  private static ObjectNode exists(String field, boolean exists) {
    ObjectNode node = NODES.objectNode();
    node.put("field", field);
    node.put("exists", exists);
    return node;
  }

  private static ObjectNode not(ObjectNode inner) {
    return single("not", inner);
  }

  private static ObjectNode single(String key, JsonNode value) {
    ObjectNode node = NODES.objectNode();
    node.set(key, value);
    return node;
  }

  private static String field(Filter.Expression e) {
    if (!(e.left() instanceof Filter.Key key)) {
      throw new IllegalArgumentException(
          "'" + e.type() + "' needs a key on its left, not " + describe(e.left()));
    }
    String k = key.key();
    if (k.length() >= 2
        && ((k.startsWith("\"") && k.endsWith("\"")) || (k.startsWith("'") && k.endsWith("'")))) {
      k = k.substring(1, k.length() - 1);
    }
    if (k.isEmpty()) {
      throw new IllegalArgumentException("a filter key must not be empty");
    }
    return METADATA_PREFIX + k;
  }

  private static Object rightValue(Filter.Expression e) {
    if (!(e.right() instanceof Filter.Value value)) {
      throw new IllegalArgumentException(
          "'" + e.type() + "' needs a value on its right, not " + describe(e.right()));
    }
    if (value.value() == null) {
      throw new IllegalArgumentException(
          "'" + e.type() + "' needs a value; use IS NULL to find documents without the key");
    }
    return value.value();
  }

  private static JsonNode value(Object value) {
    if (value == null) {
      throw new IllegalArgumentException("a filter value must not be null");
    }
    return MetadataValues.scalar(value);
  }

  private static String describe(Object o) {
    return o == null ? "nothing" : o.getClass().getSimpleName() + " " + o;
  }
}
