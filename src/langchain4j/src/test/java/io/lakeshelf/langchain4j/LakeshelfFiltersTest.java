package io.lakeshelf.langchain4j;

import static dev.langchain4j.store.embedding.filter.Filter.and;
import static dev.langchain4j.store.embedding.filter.Filter.not;
import static dev.langchain4j.store.embedding.filter.Filter.or;
import static dev.langchain4j.store.embedding.filter.MetadataFilterBuilder.metadataKey;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.langchain4j.data.document.Metadata;
import dev.langchain4j.store.embedding.filter.Filter;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The translation of LangChain4j filters to Lakeshelf's filter JSON, and of metadata values. */
class LakeshelfFiltersTest {

  private static String json(Filter filter) {
    return LakeshelfFilters.toJson(filter).toString();
  }

  @Test
  void comparisons_name_the_metadata_field_and_keep_the_value_type() {
    assertThat(json(metadataKey("lang").isEqualTo("en")))
        .isEqualTo("{\"field\":\"metadata.lang\",\"eq\":\"en\"}");
    assertThat(json(metadataKey("n").isGreaterThan(1)))
        .isEqualTo("{\"field\":\"metadata.n\",\"gt\":1}");
    assertThat(json(metadataKey("n").isGreaterThanOrEqualTo(Long.MAX_VALUE)))
        .isEqualTo("{\"field\":\"metadata.n\",\"gte\":9223372036854775807}");
    assertThat(json(metadataKey("x").isLessThan(1.5d)))
        .isEqualTo("{\"field\":\"metadata.x\",\"lt\":1.5}");
    assertThat(json(metadataKey("x").isLessThanOrEqualTo(2.0d)))
        .isEqualTo("{\"field\":\"metadata.x\",\"lte\":2.0}");
  }

  @Test
  void a_float_is_sent_as_its_decimal_form_as_langchain4j_compares_it() {
    assertThat(json(metadataKey("x").isEqualTo(1.1f)))
        .isEqualTo("{\"field\":\"metadata.x\",\"eq\":1.1}");
    assertThat(json(metadataKey("x").isEqualTo(1.1f)))
        .isEqualTo(json(metadataKey("x").isEqualTo(1.1d)));
  }

  @Test
  void uuids_are_strings() {
    UUID id = UUID.fromString("5f0c7c3e-2b1a-4c6d-9e8f-0a1b2c3d4e5f");
    assertThat(json(metadataKey("id").isEqualTo(id)))
        .isEqualTo("{\"field\":\"metadata.id\",\"eq\":\"5f0c7c3e-2b1a-4c6d-9e8f-0a1b2c3d4e5f\"}");
    assertThat(json(metadataKey("id").isIn(id)))
        .isEqualTo("{\"field\":\"metadata.id\",\"in\":[\"5f0c7c3e-2b1a-4c6d-9e8f-0a1b2c3d4e5f\"]}");
  }

  @Test
  void not_equal_and_not_in_also_match_segments_without_the_key_as_in_langchain4j() {
    // Lakeshelf's ne and a plain in match only rows that have the field; not is the complement.
    assertThat(json(metadataKey("k").isNotEqualTo("a")))
        .isEqualTo("{\"not\":{\"field\":\"metadata.k\",\"eq\":\"a\"}}");
    assertThat(json(metadataKey("k").isNotIn(List.of(42))))
        .isEqualTo("{\"not\":{\"field\":\"metadata.k\",\"in\":[42]}}");
    // The semantics being reproduced: LangChain4j's own test() of a segment lacking the key.
    assertThat(metadataKey("k").isNotEqualTo("a").test(new Metadata())).isTrue();
    assertThat(metadataKey("k").isNotIn(List.of(42)).test(new Metadata())).isTrue();
  }

  @Test
  void nested_ands_and_ors_are_flattened_and_double_negations_cancel() {
    Filter a = metadataKey("a").isEqualTo(1);
    Filter b = metadataKey("b").isEqualTo(2);
    Filter c = metadataKey("c").isEqualTo(3);
    String ja = json(a);
    String jb = json(b);
    String jc = json(c);
    assertThat(json(and(and(a, b), c))).isEqualTo("{\"and\":[" + ja + "," + jb + "," + jc + "]}");
    assertThat(json(or(a, or(b, c)))).isEqualTo("{\"or\":[" + ja + "," + jb + "," + jc + "]}");
    assertThat(json(and(a, or(b, c))))
        .isEqualTo("{\"and\":[" + ja + ",{\"or\":[" + jb + "," + jc + "]}]}");
    assertThat(json(not(a))).isEqualTo("{\"not\":" + ja + "}");
    assertThat(json(not(not(a)))).isEqualTo(ja);
    assertThat(json(not(metadataKey("a").isNotEqualTo(1)))).isEqualTo(ja);
  }

  @Test
  void contains_string_is_not_supported() {
    assertThatThrownBy(() -> LakeshelfFilters.toJson(metadataKey("k").containsString("x")))
        .isInstanceOf(UnsupportedOperationException.class)
        .hasMessageContaining("ContainsString")
        .hasMessageContaining("'k'");
  }

  @Test
  void metadata_values_round_trip_with_the_types_langchain4j_reads() {
    UUID id = UUID.randomUUID();
    Metadata metadata =
        new Metadata()
            .put("s", "")
            .put("uuid", id)
            .put("int", Integer.MIN_VALUE)
            .put("long", 1746714878034235396L)
            .put("float", 1.23456789f)
            .put("floatMin", Float.MIN_VALUE)
            .put("floatMax", -Float.MAX_VALUE)
            .put("double", Double.MIN_VALUE);

    Metadata back = MetadataJson.fromJson(MetadataJson.toJson(metadata));

    assertThat(back.getString("s")).isEmpty();
    assertThat(back.getUUID("uuid")).isEqualTo(id);
    assertThat(back.toMap().get("int")).isEqualTo(Integer.MIN_VALUE);
    assertThat(back.toMap().get("long")).isEqualTo(1746714878034235396L);
    assertThat(back.getFloat("float")).isEqualTo(1.23456789f);
    assertThat(back.getFloat("floatMin")).isEqualTo(Float.MIN_VALUE);
    assertThat(back.getFloat("floatMax")).isEqualTo(-Float.MAX_VALUE);
    assertThat(back.getDouble("double")).isEqualTo(Double.MIN_VALUE);
  }

  @Test
  void values_lakeshelf_cannot_hold_are_refused() {
    assertThatThrownBy(() -> MetadataJson.value("k", Double.NaN))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("finite");
    assertThatThrownBy(() -> MetadataJson.value("k", new Object()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'k'");
  }

  @Test
  void cosine_relevance_and_min_score_map_both_ways() {
    LakeshelfSimilarity cosine = LakeshelfSimilarity.COSINE;
    assertThat(cosine.relevance(1.0)).isEqualTo(1.0);
    assertThat(cosine.relevance(0.0)).isEqualTo(0.5);
    assertThat(cosine.relevance(-1.0)).isEqualTo(0.0);
    assertThat(cosine.score(0.75)).isEqualTo(0.5);
    assertThat(LakeshelfSimilarity.L2.relevance(0.3)).isEqualTo(0.3);
  }
}
