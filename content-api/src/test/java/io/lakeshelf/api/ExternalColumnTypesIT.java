package io.lakeshelf.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakeshelf.api.HandWrittenTable.Row;
import io.lakeshelf.api.RunningService.Answer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/**
 * An external table with a column of each type: every role mapped to a column of a type it cannot
 * use is refused at PUT with 422 {@code TABLE_UNREADABLE} naming the column and its type, and
 * nothing is created; the mappings the roles accept serve, with values rendered as the contract
 * says (integers as decimal strings, binary as base64, decimals exact, times ISO-8601).
 */
class ExternalColumnTypesIT {

  @TempDir static Path dir;
  static RunningService service;
  static HandWrittenTable table;

  @BeforeAll
  static void start() throws Exception {
    table = HandWrittenTable.create(dir.resolve("typed"));
    table.append(Row.full("d0", 10, 1, 0, 0), Row.full("d1", 11), Row.full("d2", 12, 0, 1, 0));
    service = RunningService.start(dir.resolve("data"));
  }

  @AfterAll
  static void stop() {
    service.close();
  }

  static String put(Path location, Map<String, String> columns, String vectorColumn, String extra) {
    StringBuilder cols = new StringBuilder();
    columns.forEach(
        (role, column) ->
            cols.append(cols.isEmpty() ? "" : ", ")
                .append('"')
                .append(role)
                .append("\": \"")
                .append(column)
                .append('"'));
    return """
    {"mode": "external", "table": "%s", "columns": {%s},
     "vectors": {"body": {"column": "%s", "dimensions": 3}}%s}\
    """
        .formatted(location, cols, vectorColumn, extra);
  }

  static Stream<Arguments> wrongTypes() {
    List<Arguments> cases = new ArrayList<>();
    Map<String, String> types = new java.util.LinkedHashMap<>();
    types.put("body", "string");
    types.put("n_int", "integer");
    types.put("n_long", "long");
    types.put("n_dec", "decimal(10,2)");
    types.put("ts", "timestamp");
    types.put("day", "date");
    types.put("raw", "binary");
    types.put("flag", "boolean");
    types.put("tags", "array<string>");
    types.put("attrs", "map<string, string>");
    types.put("counts", "map<string, integer>");
    types.put("info", "struct<a: string, b: integer>");
    types.put("emb", "array<float>");
    types.put(
        "images",
        "array<struct<uri: string, content_type: string, size_bytes: long, checksum: string,"
            + " checksum_algo: string>>");
    types.put("nested", "map<string, array<string>>");
    types.put("by_number", "map<integer, string>");
    types.put("no_uri", "array<struct<a: string>>");
    Map<String, List<String>> accepted =
        Map.of(
            "id", List.of("body", "n_int", "n_long"),
            "title", List.of("body"),
            "text", List.of("body"),
            "images", List.of("images"),
            "metadata", List.of("attrs", "counts"),
            "vector", List.of("emb"));
    for (String role : List.of("id", "title", "text", "images", "metadata", "vector")) {
      types.forEach(
          (column, type) -> {
            if (!accepted.get(role).contains(column)) {
              cases.add(Arguments.of(role, column, type));
            }
          });
    }
    return cases.stream();
  }

  @ParameterizedTest(name = "{0} mapped to {1} ({2})")
  @MethodSource("wrongTypes")
  void aRoleMappedToAColumnOfTheWrongTypeIsRefusedNamingColumnAndType(
      String role, String column, String type) throws Exception {
    Map<String, String> columns = new java.util.LinkedHashMap<>();
    columns.put("id", role.equals("id") ? column : "doc_id");
    if (!role.equals("id") && !role.equals("vector")) {
      columns.put(role, column);
    }
    String body = put(table.location(), columns, role.equals("vector") ? column : "emb", "");
    service.send("DELETE", "/v1/collections/wrong", null); // should one have been accepted before
    Answer a = service.send("PUT", "/v1/collections/wrong", body);
    assertThat(a.status()).as(a.body()).isEqualTo(422);
    assertThat(a.contentType()).startsWith("application/problem+json");
    assertThat(a.json().get("code").asString()).isEqualTo("TABLE_UNREADABLE");
    String detail = a.json().get("detail").asString();
    assertThat(detail).contains("column '" + column + "' is " + type + ";");
    assertThat(detail).contains(role.equals("vector") ? "vector 'body'" : "the " + role + " role");
    assertThat(service.get("/v1/collections/wrong").status()).isEqualTo(404);
  }

  static JsonNode ready(String name) throws Exception {
    return ExternalTableIT.awaitStatus(service, name, "ready");
  }

  @Test
  void integerIdsServeAsTheirDecimalStringsWithMetadataKeepingItsType() throws Exception {
    Answer created =
        service.send(
            "PUT",
            "/v1/collections/by-long",
            put(
                table.location(),
                Map.of(
                    "id",
                    "n_long",
                    "title",
                    "title",
                    "text",
                    "body",
                    "images",
                    "images",
                    "metadata",
                    "counts"),
                "emb",
                ", \"filterable\": [\"metadata.pages\"]"));
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    JsonNode c = ready("by-long");
    assertThat(c.get("documents").asLong()).isEqualTo(2);

    Answer d = service.get("/v1/collections/by-long/documents/10");
    assertThat(d.status()).as(d.body()).isEqualTo(200);
    JsonNode doc = d.json();
    assertThat(doc.get("id").asString()).isEqualTo("10");
    assertThat(doc.get("title").asString()).isEqualTo("Title d0");
    // a map<string, integer> serves its values as JSON integers (before typed metadata: "3")
    assertThat(doc.get("metadata").get("pages").isIntegralNumber()).isTrue();
    assertThat(doc.get("metadata").get("pages").asLong()).isEqualTo(3);
    assertThat(doc.get("images").get(0).get("uri").asString()).isEqualTo("file:/img/d0.png");
    assertThat(doc.get("images").get(0).get("sizeBytes").asLong()).isEqualTo(10);

    // The row without a vector is found by its id too, and a filter on the number matches (the
    // string "3" does not: a value of another type never matches).
    assertThat(service.get("/v1/collections/by-long/documents/11").status()).isEqualTo(200);
    Answer hits =
        service.send(
            "POST",
            "/v1/collections/by-long/search",
            "{\"vector\": [1, 0, 0], \"k\": 5, \"filter\": {\"field\": \"metadata.pages\", \"eq\":"
                + " 3}}");
    assertThat(hits.status()).as(hits.body()).isEqualTo(200);
    List<String> ids = new ArrayList<>();
    hits.json().get("hits").forEach(h -> ids.add(h.get("id").asString()));
    assertThat(ids).containsExactly("10", "12");
    assertThat(hits.json().get("hits").get(0).get("document").get("metadata").get("pages").asLong())
        .isEqualTo(3);
    Answer asText =
        service.send(
            "POST",
            "/v1/collections/by-long/search",
            "{\"vector\": [1, 0, 0], \"k\": 5, \"filter\": {\"field\": \"metadata.pages\", \"eq\":"
                + " \"3\"}}");
    assertThat(asText.json().get("hits")).isEmpty();
  }

  @Test
  void metadataValuesJsonHasNoFormForAreRenderedAsDocumented() throws Exception {
    Map<String, String> expected =
        Map.of(
            "blobs", "{\"raw\":\"AAEC+/8=\"}",
            "amounts", "{\"price\":\"123.45\"}",
            "times", "{\"at\":\"2024-03-05T06:07:08.123456Z\"}",
            "days", "{\"on\":\"2024-03-05\"}",
            "attrs", "{\"lang\":\"en\"}");
    for (Map.Entry<String, String> e : expected.entrySet()) {
      String name = "meta-" + e.getKey();
      Answer created =
          service.send(
              "PUT",
              "/v1/collections/" + name,
              put(table.location(), Map.of("id", "n_int", "metadata", e.getKey()), "emb_d", ""));
      assertThat(created.status()).as(created.body()).isEqualTo(201);
      ready(name);
      Answer d = service.get("/v1/collections/" + name + "/documents/12");
      assertThat(d.status()).as(d.body()).isEqualTo(200);
      assertThat(RunningService.JSON.writeValueAsString(d.json().get("metadata")))
          .isEqualTo(e.getValue());
      Answer hits =
          service.send(
              "POST", "/v1/collections/" + name + "/search", "{\"vector\": [0, 1, 0], \"k\": 1}");
      assertThat(hits.json().get("hits").get(0).get("id").asString()).isEqualTo("12");
      assertThat(
              RunningService.JSON.writeValueAsString(
                  hits.json().get("hits").get(0).get("document").get("metadata")))
          .isEqualTo(e.getValue());
    }
  }

  @Test
  void aTableWithoutAReadableSchemaIsRefusedWithAClearReason() throws Exception {
    HandWrittenTable none =
        HandWrittenTable.create(
            dir.resolve("no-schema"),
            "{\"protocol\":{\"minReaderVersion\":1,\"minWriterVersion\":2}}",
            HandWrittenTable.metaData(null));
    HandWrittenTable garbled =
        HandWrittenTable.create(
            dir.resolve("garbled"),
            "{\"protocol\":{\"minReaderVersion\":1,\"minWriterVersion\":2}}",
            HandWrittenTable.metaData("{\"type\": \"struct\", \"fields\": [{"));
    HandWrittenTable notAStruct =
        HandWrittenTable.create(
            dir.resolve("not-a-struct"),
            "{\"protocol\":{\"minReaderVersion\":1,\"minWriterVersion\":2}}",
            HandWrittenTable.metaData("\"string\""));
    for (HandWrittenTable t : List.of(none, garbled, notAStruct)) {
      Answer a =
          service.send(
              "PUT",
              "/v1/collections/schemaless",
              put(t.location(), Map.of("id", "doc_id"), "emb", ""));
      assertThat(a.status()).as(a.body()).isEqualTo(422);
      assertThat(a.json().get("code").asString()).isEqualTo("TABLE_UNREADABLE");
      String detail = a.json().get("detail").asString();
      assertThat(detail).as(detail).contains(t.location().toString()).contains("schema");
      assertThat(detail.toLowerCase(java.util.Locale.ROOT))
          .as(detail)
          .doesNotContain("jackson")
          .doesNotContain("unexpected")
          .doesNotContain("line:")
          .doesNotContain("exception");
      assertThat(service.get("/v1/collections/schemaless").status()).isEqualTo(404);
    }
  }

  @Test
  void aTitleMappedToAVariantColumnIsRefused() throws Exception {
    String schema =
        new io.delta.kernel.types.StructType()
            .add("doc_id", io.delta.kernel.types.StringType.STRING, false)
            .add("v", io.delta.kernel.types.VariantType.VARIANT, true)
            .add(
                "emb",
                new io.delta.kernel.types.ArrayType(io.delta.kernel.types.FloatType.FLOAT, true),
                true)
            .toJson();
    HandWrittenTable t =
        HandWrittenTable.create(
            dir.resolve("variant"),
            "{\"protocol\":{\"minReaderVersion\":3,\"minWriterVersion\":7,\"readerFeatures\":[\"variantType\"],"
                + "\"writerFeatures\":[\"variantType\"]}}",
            HandWrittenTable.metaData(schema));
    for (String role : List.of("title", "text", "metadata", "id")) {
      Map<String, String> columns = new java.util.LinkedHashMap<>();
      columns.put("id", role.equals("id") ? "v" : "doc_id");
      columns.put(role, "v");
      Answer a =
          service.send("PUT", "/v1/collections/variant", put(t.location(), columns, "emb", ""));
      assertThat(a.status()).as(a.body()).isEqualTo(422);
      assertThat(a.json().get("code").asString()).isEqualTo("TABLE_UNREADABLE");
      assertThat(a.json().get("detail").asString())
          .contains("column 'v' is variant;")
          .contains("the " + role + " role");
    }
  }
}
