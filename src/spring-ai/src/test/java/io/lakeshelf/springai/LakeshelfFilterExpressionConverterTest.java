package io.lakeshelf.springai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Date;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.ai.vectorstore.filter.Filter;
import org.springframework.ai.vectorstore.filter.Filter.ExpressionType;
import org.springframework.ai.vectorstore.filter.FilterExpressionBuilder;
import org.springframework.ai.vectorstore.filter.FilterExpressionTextParser;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Spring AI filter expressions to Lakeshelf filter JSON, no server. */
class LakeshelfFilterExpressionConverterTest {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private final LakeshelfFilterExpressionConverter converter =
      new LakeshelfFilterExpressionConverter();
  private final FilterExpressionTextParser parser = new FilterExpressionTextParser();
  private final FilterExpressionBuilder b = new FilterExpressionBuilder();

  private void assertConverts(String text, String expectedJson) {
    assertConverts(parser.parse(text), expectedJson);
  }

  private void assertConverts(Filter.Expression expression, String expectedJson) {
    JsonNode expected = JSON.readTree(expectedJson.replace('\'', '"'));
    assertThat(JSON.readTree(converter.convertExpression(expression))).isEqualTo(expected);
    // The tree is what the store sends: the same JSON once written.
    assertThat(JSON.readTree(JSON.writeValueAsString(converter.toJson(expression))))
        .isEqualTo(expected);
  }

  @Test
  void equalityOfStringsNumbersAndBooleans() {
    assertConverts("country == 'BG'", "{'field':'metadata.country','eq':'BG'}");
    assertConverts("year == 2020", "{'field':'metadata.year','eq':2020}");
    assertConverts("price == 9.5", "{'field':'metadata.price','eq':9.5}");
    assertConverts("big == 12345678901L", "{'field':'metadata.big','eq':12345678901}");
    assertConverts("draft == true", "{'field':'metadata.draft','eq':true}");
  }

  @Test
  void numbersStayJsonNumbersOfTheirKind() {
    JsonNode integer = converter.toJson(parser.parse("year == 2020")).get("eq");
    JsonNode floating = converter.toJson(parser.parse("year == 2020.0")).get("eq");
    assertThat(integer.isIntegralNumber()).isTrue();
    assertThat(floating.isFloatingPointNumber()).isTrue();
    assertThat(converter.convertExpression(parser.parse("year == 2020.0"))).contains("2020.0");
  }

  @Test
  void notEqualMatchesDocumentsWithoutTheKeyThroughNot() {
    assertConverts("country != 'BG'", "{'not':{'field':'metadata.country','eq':'BG'}}");
  }

  @Test
  void greaterNeedsTheKey() {
    assertConverts("year > 2020", "{'field':'metadata.year','gt':2020}");
    assertConverts("year >= 2020", "{'field':'metadata.year','gte':2020}");
  }

  @Test
  void lessCountsAMissingKeyAsNullWhichIsLessThanAnyValue() {
    assertConverts(
        "year < 2020",
        "{'or':[{'field':'metadata.year','lt':2020},{'field':'metadata.year','exists':false}]}");
    assertConverts(
        "year <= 2020",
        "{'or':[{'field':'metadata.year','lte':2020},{'field':'metadata.year','exists':false}]}");
  }

  @Test
  void rangesOnBooleansBecomeTheBooleansTheyAdmitFalseBeforeTrue() {
    String nothing =
        "{'and':[{'field':'metadata.b','exists':true},{'field':'metadata.b','exists':false}]}";
    String missing = "{'field':'metadata.b','exists':false}";
    assertConverts("b > false", "{'field':'metadata.b','in':[true]}");
    assertConverts("b > true", nothing);
    assertConverts("b >= false", "{'field':'metadata.b','in':[false,true]}");
    assertConverts("b >= true", "{'field':'metadata.b','in':[true]}");
    assertConverts("b < true", "{'or':[{'field':'metadata.b','in':[false]}," + missing + "]}");
    assertConverts("b < false", "{'or':[" + nothing + "," + missing + "]}");
    assertConverts(
        "b <= true", "{'or':[{'field':'metadata.b','in':[false,true]}," + missing + "]}");
    assertConverts("b <= false", "{'or':[{'field':'metadata.b','in':[false]}," + missing + "]}");
  }

  @Test
  void inAndNotIn() {
    assertConverts("country in ['BG', 'NL']", "{'field':'metadata.country','in':['BG','NL']}");
    assertConverts(
        "country nin ['BG', 'NL']", "{'not':{'field':'metadata.country','in':['BG','NL']}}");
    assertConverts(
        "country not in ['BG', 'NL']", "{'not':{'field':'metadata.country','in':['BG','NL']}}");
    assertConverts("year in [2020, 2021.5]", "{'field':'metadata.year','in':[2020,2021.5]}");
  }

  @Test
  void emptyListsMatchNothingForInAndEverythingForNotIn() {
    String nothing =
        "{'and':[{'field':'metadata.k','exists':true},{'field':'metadata.k','exists':false}]}";
    assertConverts(b.in("k", List.of()).build(), nothing);
    assertConverts(b.nin("k", List.of()).build(), "{'not':" + nothing + "}");
  }

  @Test
  void nullChecksAreExists() {
    assertConverts("year IS NULL", "{'field':'metadata.year','exists':false}");
    assertConverts("year IS NOT NULL", "{'field':'metadata.year','exists':true}");
    assertConverts(b.isNull("year").build(), "{'field':'metadata.year','exists':false}");
    assertConverts(b.isNotNull("year").build(), "{'field':'metadata.year','exists':true}");
  }

  @Test
  void andOrChainsBecomeOneListAndGroupsKeepPrecedence() {
    assertConverts(
        "a == 1 && b == 2 && c == 3",
        "{'and':[{'field':'metadata.a','eq':1},{'field':'metadata.b','eq':2},"
            + "{'field':'metadata.c','eq':3}]}");
    assertConverts(
        "a == 1 || b == 2 || c == 3",
        "{'or':[{'field':'metadata.a','eq':1},{'field':'metadata.b','eq':2},"
            + "{'field':'metadata.c','eq':3}]}");
    assertConverts(
        "(a == 1 || b == 2) && c >= 3",
        "{'and':[{'or':[{'field':'metadata.a','eq':1},{'field':'metadata.b','eq':2}]},"
            + "{'field':'metadata.c','gte':3}]}");
    assertConverts(
        b.and(b.group(b.or(b.eq("a", 1), b.eq("b", 2))), b.eq("c", 3)).build(),
        "{'and':[{'or':[{'field':'metadata.a','eq':1},{'field':'metadata.b','eq':2}]},"
            + "{'field':'metadata.c','eq':3}]}");
  }

  @Test
  void notOfAnyExpression() {
    // The text parser and the builder may rewrite NOT; the converted filter must mean the same.
    Filter.Expression not =
        new Filter.Expression(
            ExpressionType.NOT,
            new Filter.Expression(
                ExpressionType.AND,
                new Filter.Expression(
                    ExpressionType.EQ, new Filter.Key("a"), new Filter.Value("x")),
                new Filter.Expression(ExpressionType.GT, new Filter.Key("n"), new Filter.Value(1))),
            null);
    assertConverts(
        not, "{'not':{'and':[{'field':'metadata.a','eq':'x'},{'field':'metadata.n','gt':1}]}}");
  }

  @Test
  void quotedAndCompoundKeys() {
    assertConverts("'my key' == 'v'", "{'field':'metadata.my key','eq':'v'}");
    assertConverts("\"my key\" == 'v'", "{'field':'metadata.my key','eq':'v'}");
    assertConverts("a.b == 'v'", "{'field':'metadata.a.b','eq':'v'}");
  }

  @Test
  void datesUuidsAndEnumsAreStrings() {
    Date date = new Date(1_700_000_000_000L);
    assertConverts(b.eq("at", date).build(), "{'field':'metadata.at','eq':'2023-11-14T22:13:20Z'}");
    UUID id = UUID.fromString("6f1c1e8a-0f3e-4a36-9d3b-4a1f2a3b4c5d");
    assertConverts(b.eq("ref", id).build(), "{'field':'metadata.ref','eq':'" + id + "'}");
    assertConverts(
        b.eq("type", ExpressionType.AND).build(), "{'field':'metadata.type','eq':'AND'}");
  }

  @Test
  void malformedExpressionsAreRefused() {
    assertThatThrownBy(
            () ->
                converter.toJson(
                    new Filter.Expression(
                        ExpressionType.IN, new Filter.Key("k"), new Filter.Value("x"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("list");
    assertThatThrownBy(
            () ->
                converter.toJson(
                    new Filter.Expression(
                        ExpressionType.EQ, new Filter.Value("x"), new Filter.Value("y"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("key");
    assertThatThrownBy(() -> converter.toJson(b.eq("k", Double.NaN).build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("finite");
    assertThatThrownBy(() -> converter.toJson(b.eq("k", List.of(1)).build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("collection");
  }
}
