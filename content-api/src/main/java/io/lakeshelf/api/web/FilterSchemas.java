package io.lakeshelf.api.web;

import static io.lakeshelf.api.web.OpenApiDescription.ref;
import static io.lakeshelf.api.web.OpenApiDescription.type;

import io.lakeshelf.api.request.FilterParser;
import io.swagger.v3.oas.models.media.JsonSchema;
import io.swagger.v3.oas.models.media.Schema;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The filter language that {@link FilterParser} reads, as OpenAPI 3.1 schemas: a {@code Filter} is
 * one of a condition on a field ({@code FieldFilter}), {@code AndFilter}, {@code OrFilter} or
 * {@code NotFilter}, the last three holding filters again. What the parser checks beyond these
 * schemas: the field must be {@code filterable} (400 {@code FIELD_NOT_FILTERABLE}), and the nesting
 * at most {@code lakeshelf.limits.max-filter-depth} deep (400 {@code INVALID_FILTER}).
 */
final class FilterSchemas {

  /** The comparisons a field condition may hold, each with one value. */
  static final List<String> COMPARISONS = List.of("eq", "ne", "gt", "gte", "lt", "lte");

  private FilterSchemas() {}

  @SuppressWarnings("rawtypes")
  static Map<String, Schema> all() {
    Map<String, Schema> schemas = new LinkedHashMap<>();
    Schema<Object> filter =
        new JsonSchema()
            .description(
                "A filter: a condition on one field, or `and`, `or`, `not` of filters. Only the"
                    + " collection's `filterable` columns and metadata.<key> (any key) may be named"
                    + " (400 FIELD_NOT_FILTERABLE);"
                    + " filters nest at most lakeshelf.limits.max-filter-depth (default 8) levels"
                    + " deep; anything else answers 400 INVALID_FILTER naming where in the filter"
                    + " it is. Examples: `{\"field\": \"metadata.lang\", \"eq\": \"en\"}`,"
                    + " `{\"field\": \"n\", \"gte\": 1, \"lt\": 5}`, `{\"field\":"
                    + " \"metadata.lang\", \"in\": [\"en\", \"de\"]}`, `{\"field\":"
                    + " \"metadata.source\", \"exists\": true}`, `{\"and\": [{…}, {…}]}`, `{\"or\":"
                    + " [{…}, {…}]}`, `{\"not\": {…}}`.");
    filter.setOneOf(
        List.of(ref("FieldFilter"), ref("AndFilter"), ref("OrFilter"), ref("NotFilter")));
    schemas.put("Filter", filter);

    schemas.put(
        "FilterValue",
        type("string", "number", "boolean")
            .description(
                "A value to compare with: a string, a finite number or a boolean. Dates are"
                    + " yyyy-mm-dd, timestamps ISO-8601 instants. A metadata key's values compare"
                    + " with a value of their own JSON type: numbers numerically (integers and"
                    + " floating-point alike), strings by their UTF-8 bytes, booleans with eq, ne"
                    + " and in; a value of another type does not match."));
    Schema<Object> metadataValue =
        new JsonSchema()
            .description(
                "A metadata value, kept with its JSON type: a string, an integer (64-bit), a"
                    + " finite floating-point number (served with a fraction or an exponent, e.g."
                    + " `1.0`) or a boolean.");
    metadataValue.setOneOf(
        List.of(
            type("string"),
            type("integer").format("int64"),
            type("number").format("double"),
            type("boolean")));
    schemas.put("MetadataValue", metadataValue);
    Schema<Object> metadata =
        type("object")
            .description(
                "A document's metadata: values by key. Every key filters as `metadata.<key>`,"
                    + " declared filterable or not.");
    metadata.setAdditionalProperties(ref("MetadataValue"));
    schemas.put("Metadata", metadata);

    Schema<Object> field =
        type("object")
            .description(
                "Conditions on one field, all of which must hold: a comparison matches only rows "
                    + "that have the field (`ne` included).");
    field.addProperty(
        "field",
        type("string")
            .minLength(1)
            .maxLength(256)
            .description("a filterable column, or metadata.<key> (any key)"));
    for (String op : COMPARISONS) {
      field.addProperty(
          op,
          ref("FilterValue")
              .description(
                  switch (op) {
                    case "eq" -> "equal to";
                    case "ne" -> "not equal to (rows without the field do not match)";
                    case "gt" -> "greater than";
                    case "gte" -> "greater than or equal to";
                    case "lt" -> "less than";
                    default -> "less than or equal to";
                  }));
    }
    field.addProperty(
        "in",
        type("array")
            .items(ref("FilterValue"))
            .minItems(1)
            .description("equal to one of these values"));
    field.addProperty(
        "exists", type("boolean").description("true: the row has the field; false: it has not"));
    field.setRequired(List.of("field"));
    field.setMinProperties(2);
    field.setAdditionalProperties(false);
    schemas.put("FieldFilter", field);

    schemas.put("AndFilter", combination("and", "Every filter holds."));
    schemas.put("OrFilter", combination("or", "At least one filter holds."));

    Schema<Object> not =
        type("object").description("The filter does not hold: the complement among all rows.");
    not.addProperty("not", ref("Filter"));
    not.setRequired(List.of("not"));
    not.setAdditionalProperties(false);
    schemas.put("NotFilter", not);
    return schemas;
  }

  private static Schema<Object> combination(String op, String description) {
    Schema<Object> s =
        type("object").description(description + " `" + op + "` stands alone in its object.");
    s.addProperty(op, type("array").items(ref("Filter")).minItems(1));
    s.setRequired(List.of(op));
    s.setAdditionalProperties(false);
    return s;
  }
}
