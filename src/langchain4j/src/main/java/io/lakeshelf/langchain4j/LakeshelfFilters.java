package io.lakeshelf.langchain4j;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.langchain4j.store.embedding.filter.Filter;
import dev.langchain4j.store.embedding.filter.comparison.ContainsString;
import dev.langchain4j.store.embedding.filter.comparison.IsEqualTo;
import dev.langchain4j.store.embedding.filter.comparison.IsGreaterThan;
import dev.langchain4j.store.embedding.filter.comparison.IsGreaterThanOrEqualTo;
import dev.langchain4j.store.embedding.filter.comparison.IsIn;
import dev.langchain4j.store.embedding.filter.comparison.IsLessThan;
import dev.langchain4j.store.embedding.filter.comparison.IsLessThanOrEqualTo;
import dev.langchain4j.store.embedding.filter.comparison.IsNotEqualTo;
import dev.langchain4j.store.embedding.filter.comparison.IsNotIn;
import dev.langchain4j.store.embedding.filter.logical.And;
import dev.langchain4j.store.embedding.filter.logical.Not;
import dev.langchain4j.store.embedding.filter.logical.Or;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Translates a LangChain4j metadata {@link Filter} into Lakeshelf's filter JSON on {@code
 * metadata.<key>} fields.
 *
 * <ul>
 *   <li>{@code IsEqualTo}, {@code IsGreaterThan}, {@code IsGreaterThanOrEqualTo}, {@code
 *       IsLessThan}, {@code IsLessThanOrEqualTo}, {@code IsIn}: {@code eq}, {@code gt}, {@code
 *       gte}, {@code lt}, {@code lte}, {@code in}. Like LangChain4j's, they match only segments
 *       that have the key.
 *   <li>{@code IsNotEqualTo} and {@code IsNotIn}: {@code {"not": eq}} and {@code {"not": in}}.
 *       LangChain4j's match segments <em>without</em> the key too, Lakeshelf's {@code ne} does not
 *       (a comparison matches only rows that have the field), while {@code not} is the complement
 *       among all rows.
 *   <li>{@code And}, {@code Or}, {@code Not}: {@code and}, {@code or}, {@code not}; nested {@code
 *       And}s (and {@code Or}s) are flattened into one list and a double {@code Not} cancels, so
 *       that a filter nests as little as Lakeshelf's {@code max-filter-depth} needs.
 *   <li>{@code ContainsString}: Lakeshelf's filter language has no substring match, so it throws
 *       {@link UnsupportedOperationException}.
 * </ul>
 *
 * Values: strings and UUIDs as JSON strings, integers as JSON integers, floats and doubles as JSON
 * numbers (see {@link MetadataJson}). Lakeshelf compares numbers of any kind numerically and never
 * matches a value of another type.
 */
public final class LakeshelfFilters {

  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  private LakeshelfFilters() {}

  /**
   * The Lakeshelf filter JSON of a LangChain4j filter.
   *
   * @throws UnsupportedOperationException for {@code ContainsString} and filter types this
   *     translation does not know
   * @throws IllegalArgumentException for a comparison value Lakeshelf cannot hold
   */
  public static ObjectNode toJson(Filter filter) {
    if (filter == null) {
      throw new IllegalArgumentException("filter cannot be null");
    }
    return switch (filter) {
      case IsEqualTo f -> compare(f.key(), "eq", f.comparisonValue());
      case IsNotEqualTo f -> not(compare(f.key(), "eq", f.comparisonValue()));
      case IsGreaterThan f -> compare(f.key(), "gt", f.comparisonValue());
      case IsGreaterThanOrEqualTo f -> compare(f.key(), "gte", f.comparisonValue());
      case IsLessThan f -> compare(f.key(), "lt", f.comparisonValue());
      case IsLessThanOrEqualTo f -> compare(f.key(), "lte", f.comparisonValue());
      case IsIn f -> in(f.key(), f.comparisonValues());
      case IsNotIn f -> not(in(f.key(), f.comparisonValues()));
      case And f -> junction("and", operands(f, And.class));
      case Or f -> junction("or", operands(f, Or.class));
      case Not f -> not(toJson(f.expression()));
      case ContainsString f ->
          throw new UnsupportedOperationException(
              "Lakeshelf cannot filter by ContainsString (metadata key '"
                  + f.key()
                  + "'): its filter language has eq, ne, in, gt, gte, lt, lte and exists, no"
                  + " substring match");
      default ->
          throw new UnsupportedOperationException(
              "Lakeshelf cannot translate the filter " + filter.getClass().getName());
    };
  }

  /** The Lakeshelf field of a LangChain4j metadata key. */
  static String field(String key) {
    return "metadata." + key;
  }

  private static ObjectNode compare(String key, String op, Object value) {
    ObjectNode node = JSON.objectNode();
    node.put("field", field(key));
    node.set(op, MetadataJson.value(key, value));
    return node;
  }

  private static ObjectNode in(String key, Collection<?> values) {
    ObjectNode node = JSON.objectNode();
    node.put("field", field(key));
    ArrayNode list = node.putArray("in");
    for (Object v : values) {
      list.add(MetadataJson.value(key, v));
    }
    return node;
  }

  /** {@code {"not": f}}, or what f negates when it is a {@code not} itself. */
  private static ObjectNode not(ObjectNode filter) {
    if (filter.size() == 1 && filter.has("not")) {
      return (ObjectNode) filter.get("not");
    }
    ObjectNode node = JSON.objectNode();
    node.set("not", filter);
    return node;
  }

  private static ObjectNode junction(String op, List<JsonNode> parts) {
    ObjectNode node = JSON.objectNode();
    node.putArray(op).addAll(parts);
    return node;
  }

  /** The operands of nested {@code And}s (or {@code Or}s) in one list, left to right. */
  private static List<JsonNode> operands(Filter filter, Class<? extends Filter> junction) {
    List<JsonNode> into = new ArrayList<>();
    collect(filter, junction, into);
    return into;
  }

  private static void collect(Filter part, Class<? extends Filter> junction, List<JsonNode> into) {
    if (part instanceof And a && junction == And.class) {
      collect(a.left(), junction, into);
      collect(a.right(), junction, into);
    } else if (part instanceof Or o && junction == Or.class) {
      collect(o.left(), junction, into);
      collect(o.right(), junction, into);
    } else {
      into.add(toJson(part));
    }
  }
}
