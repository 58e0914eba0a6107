package io.lakeshelf.api.request;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakeshelf.api.error.ApiException;
import io.lakeshelf.api.error.ErrorCode;
import io.lakeshelf.index.filter.Filter;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class FilterParserTest {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private static JsonNode json(String text) {
    return JSON.readTree(text.replace('\'', '"'));
  }

  private static Filter parse(int maxDepth, String text) {
    return new FilterParser(maxDepth).parse(json(text));
  }

  private static AbstractThrowableAssert<?, ? extends Throwable> refused(
      int maxDepth, String text) {
    return assertThatThrownBy(() -> parse(maxDepth, text))
        .isInstanceOf(ApiException.class)
        .satisfies(e -> assertThat(((ApiException) e).code()).isEqualTo(ErrorCode.INVALID_FILTER));
  }

  @Test
  void readsEveryComparisonAndTypesItsValue() {
    assertThat(parse(8, "{'field':'lang','eq':'en'}"))
        .isEqualTo(new Filter.Compare("lang", Filter.Op.EQ, "en"));
    assertThat(parse(8, "{'field':'n','ne':3}"))
        .isEqualTo(new Filter.Compare("n", Filter.Op.NE, 3L));
    assertThat(parse(8, "{'field':'b','lte':true}"))
        .isEqualTo(new Filter.Compare("b", Filter.Op.LTE, true));
    assertThat(parse(8, "{'field':'x','gt':1.5}"))
        .isEqualTo(new Filter.Compare("x", Filter.Op.GT, new BigDecimal("1.5")));
    // Beyond a long: kept exact, not rounded through a double.
    assertThat(parse(8, "{'field':'x','gte':123456789012345678901234567890}"))
        .isEqualTo(
            new Filter.Compare(
                "x", Filter.Op.GTE, new BigInteger("123456789012345678901234567890")));
    assertThat(parse(8, "{'field':'metadata.source','exists':false}"))
        .isEqualTo(new Filter.Exists("metadata.source", false));
    assertThat(parse(8, "{'field':'lang','in':['en',2,false]}"))
        .isEqualTo(new Filter.In("lang", List.of("en", 2L, false)));
  }

  @Test
  void severalConditionsOnOneFieldMustAllHold() {
    Filter f = parse(8, "{'field':'n','gte':1,'lt':5}");
    assertThat(f).isInstanceOf(Filter.And.class);
    assertThat(((Filter.And) f).all())
        .containsExactlyInAnyOrder(
            new Filter.Compare("n", Filter.Op.GTE, 1L), new Filter.Compare("n", Filter.Op.LT, 5L));
  }

  @Test
  void readsAndOrNot() {
    Filter f = parse(8, "{'or':[{'field':'a','eq':1},{'not':{'field':'b','exists':true}}]}");
    assertThat(f)
        .isEqualTo(
            new Filter.Or(
                List.of(
                    new Filter.Compare("a", Filter.Op.EQ, 1L),
                    new Filter.Not(new Filter.Exists("b", true)))));
  }

  @Test
  void depthIsCountedFromTheTopAndTheLimitItselfIsAllowed() {
    // depth 1: the and; depth 2: the not; depth 3: the comparison
    String three = "{'and':[{'not':{'field':'a','eq':1}}]}";
    assertThat(parse(3, three)).isInstanceOf(Filter.And.class);
    refused(2, three)
        .hasMessageContaining("nests deeper than 2 levels")
        .hasMessageContaining("filter.and[0].not");
    assertThat(parse(1, "{'field':'a','eq':1}")).isInstanceOf(Filter.Compare.class);
  }

  @Test
  void aDeepFilterIsRefusedBeforeItIsReadWhole() {
    StringBuilder deep = new StringBuilder();
    for (int i = 0; i < 200; i++) {
      deep.append("{'not':");
    }
    deep.append("{'field':'a','eq':1}").append("}".repeat(200));
    refused(8, deep.toString()).hasMessageContaining("nests deeper than 8");
  }

  @Test
  void refusesWhatIsNotANonEmptyObject() {
    refused(8, "{}").hasMessage("filter must be a non-empty object");
    refused(8, "[]").hasMessage("filter must be a non-empty object");
    refused(8, "'lang'").hasMessage("filter must be a non-empty object");
    refused(8, "{'and':[{'field':'a','eq':1}, 7]}")
        .hasMessage("filter.and[1] must be a non-empty object");
    refused(8, "{'not':null}").hasMessage("filter.not must be a non-empty object");
    assertThatThrownBy(() -> new FilterParser(8).parse(null)).isInstanceOf(ApiException.class);
  }

  @Test
  void combinatorsStandAloneAndNeedNonEmptyArrays() {
    refused(8, "{'and':[{'field':'a','eq':1}],'field':'b'}").hasMessageContaining("stand alone");
    refused(8, "{'and':[],'or':[]}").hasMessageContaining("stand alone");
    refused(8, "{'and':[]}").hasMessage("filter.and must be a non-empty array of filters");
    refused(8, "{'or':{'field':'a','eq':1}}")
        .hasMessage("filter.or must be a non-empty array of filters");
  }

  @Test
  void fieldRules() {
    refused(8, "{'eq':1}").hasMessage("filter needs 'field', a field name");
    refused(8, "{'field':'  ','eq':1}").hasMessage("filter needs 'field', a field name");
    refused(8, "{'field':3,'eq':1}").hasMessage("filter needs 'field', a field name");
    refused(8, "{'field':'a'}").hasMessageContaining("needs a condition on 'a'");
    refused(8, "{'field':'a','like':'x'}").hasMessageContaining("unknown key 'like'");
    // an operator name is not a combinator: 'AND' in capitals is an unknown key
    refused(8, "{'AND':[]}").hasMessageContaining("unknown key 'AND'");
  }

  @Test
  void valueRules() {
    refused(8, "{'field':'a','eq':null}")
        .hasMessage("filter.eq must be a string, number or boolean");
    refused(8, "{'field':'a','eq':{'x':1}}")
        .hasMessage("filter.eq must be a string, number or boolean");
    refused(8, "{'field':'a','eq':[1]}")
        .hasMessage("filter.eq must be a string, number or boolean");
    refused(8, "{'field':'a','in':[]}").hasMessage("filter.in must be a non-empty array of values");
    refused(8, "{'field':'a','in':'en'}")
        .hasMessage("filter.in must be a non-empty array of values");
    refused(8, "{'field':'a','in':['en',null]}")
        .hasMessage("filter.in[1] must be a string, number or boolean");
    refused(8, "{'field':'a','exists':'yes'}").hasMessage("filter.exists must be true or false");
    // 1e999 is valid JSON but overflows a double: no column holds it
    refused(8, "{'field':'a','lt':1e999}")
        .hasMessageContaining("filter.lt must be a finite number");
  }
}
