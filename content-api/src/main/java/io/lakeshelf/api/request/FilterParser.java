package io.lakeshelf.api.request;

import io.lakeshelf.api.error.ApiException;
import io.lakeshelf.api.error.ErrorCode;
import io.lakeshelf.index.filter.Filter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * Reads the API's filter JSON into a {@link Filter}:
 *
 * <pre>
 * { "field": "lang", "eq": "en" }                  eq, ne, gt, gte, lt, lte: a string, number or boolean
 * { "field": "n", "gte": 1, "lt": 5 }             several comparisons of one field: all must hold
 * { "field": "lang", "in": ["en", "de"] }
 * { "field": "metadata.source", "exists": true }
 * { "and": [ ... ] }  { "or": [ ... ] }  { "not": { ... } }
 * </pre>
 *
 * Anything else answers 400 {@code INVALID_FILTER} naming where in the filter it is; nesting deeper
 * than {@code lakeshelf.limits.max-filter-depth} is refused while reading, before any work.
 */
public final class FilterParser {

  private static final Map<String, Filter.Op> OPS =
      Map.of(
          "eq",
          Filter.Op.EQ,
          "ne",
          Filter.Op.NE,
          "gt",
          Filter.Op.GT,
          "gte",
          Filter.Op.GTE,
          "lt",
          Filter.Op.LT,
          "lte",
          Filter.Op.LTE);
  private static final Set<String> FIELD_KEYS =
      Set.of("field", "eq", "ne", "gt", "gte", "lt", "lte", "in", "exists");

  private final int maxDepth;

  public FilterParser(int maxDepth) {
    this.maxDepth = maxDepth;
  }

  public Filter parse(JsonNode node) {
    return parse(node, "filter", 1);
  }

  private Filter parse(JsonNode node, String at, int depth) {
    if (depth > maxDepth) {
      throw invalid(
          at
              + ": the filter nests deeper than "
              + maxDepth
              + " levels (lakeshelf.limits.max-filter-depth)");
    }
    if (node == null || !node.isObject() || node.isEmpty()) {
      throw invalid(at + " must be a non-empty object");
    }
    List<String> keys = new ArrayList<>(node.propertyNames());
    if (keys.contains("and") || keys.contains("or") || keys.contains("not")) {
      if (keys.size() != 1) {
        throw invalid(at + ": 'and', 'or' and 'not' stand alone in their object");
      }
      String op = keys.get(0);
      JsonNode value = node.get(op);
      if (op.equals("not")) {
        return new Filter.Not(parse(value, at + ".not", depth + 1));
      }
      if (!value.isArray() || value.isEmpty()) {
        throw invalid(at + "." + op + " must be a non-empty array of filters");
      }
      List<Filter> parts = new ArrayList<>();
      for (int i = 0; i < value.size(); i++) {
        parts.add(parse(value.get(i), at + "." + op + "[" + i + "]", depth + 1));
      }
      return op.equals("and") ? new Filter.And(parts) : new Filter.Or(parts);
    }
    for (String k : keys) {
      if (!FIELD_KEYS.contains(k)) {
        throw invalid(
            at
                + ": unknown key '"
                + k
                + "'; expected field with eq, ne, in, gt, gte, lt, lte or exists, or and/or/not");
      }
    }
    JsonNode field = node.get("field");
    if (field == null || !field.isString() || field.asString().isBlank()) {
      throw invalid(at + " needs 'field', a field name");
    }
    String name = field.asString();
    List<Filter> conditions = new ArrayList<>();
    for (String k : keys) {
      if (k.equals("field")) {
        continue;
      }
      JsonNode v = node.get(k);
      switch (k) {
        case "in" -> {
          if (!v.isArray() || v.isEmpty()) {
            throw invalid(at + ".in must be a non-empty array of values");
          }
          List<Object> values = new ArrayList<>();
          for (int i = 0; i < v.size(); i++) {
            values.add(scalar(v.get(i), at + ".in[" + i + "]"));
          }
          conditions.add(new Filter.In(name, values));
        }
        case "exists" -> {
          if (!v.isBoolean()) {
            throw invalid(at + ".exists must be true or false");
          }
          conditions.add(new Filter.Exists(name, v.booleanValue()));
        }
        default -> conditions.add(new Filter.Compare(name, OPS.get(k), scalar(v, at + "." + k)));
      }
    }
    if (conditions.isEmpty()) {
      throw invalid(
          at + " needs a condition on '" + name + "': eq, ne, in, gt, gte, lt, lte or exists");
    }
    return conditions.size() == 1 ? conditions.get(0) : new Filter.And(conditions);
  }

  private static Object scalar(JsonNode v, String at) {
    if (v.isString()) {
      return v.asString();
    }
    if (v.isBoolean()) {
      return v.booleanValue();
    }
    if (v.isIntegralNumber()) {
      return v.canConvertToLong() ? (Object) v.longValue() : v.bigIntegerValue();
    }
    if (v.isNumber()) {
      if (!Double.isFinite(v.doubleValue())) {
        // 1e999 parses to an infinite double, which no column holds and no decimal can express.
        throw invalid(at + " must be a finite number: " + v.asString() + " overflows a double");
      }
      return v.decimalValue();
    }
    throw invalid(at + " must be a string, number or boolean");
  }

  private static ApiException invalid(String message) {
    return new ApiException(ErrorCode.INVALID_FILTER, message);
  }
}
