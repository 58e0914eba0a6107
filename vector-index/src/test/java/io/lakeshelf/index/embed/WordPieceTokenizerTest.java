package io.lakeshelf.index.embed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Java tokenizer against ids the reference tokenizer (Hugging Face tokenizers, through DJL)
 * gave for the same texts with the model's {@code tokenizer.json}.
 */
class WordPieceTokenizerTest {

  private static WordPieceTokenizer tokenizer;

  @BeforeAll
  static void load() throws Exception {
    try (InputStream in =
        WordPieceTokenizerTest.class
            .getClassLoader()
            .getResourceAsStream(MiniLmEmbedder.TOKENIZER_RESOURCE)) {
      tokenizer = WordPieceTokenizer.fromTokenizerJson(in);
    }
  }

  private static long[] ids(String text) {
    return tokenizer.encode(text, Integer.MAX_VALUE);
  }

  @Test
  void givesTheReferenceIdsForPunctuationCodesAndNumbers() {
    assertThat(ids("Hello, World!")).containsExactly(101, 7592, 1010, 2088, 999, 102);
    // the, x, ##r, -, 44, ##7, ##1, des, ##cal, ##er, costs, $, 12, ., 50, .
    assertThat(ids("The XR-4471 descaler costs $12.50."))
        .containsExactly(
            101, 1996, 1060, 2099, 1011, 4008, 2581, 2487, 4078, 9289, 2121, 5366, 1002, 2260, 1012,
            2753, 1012, 102);
  }

  @Test
  void stripsAccentsLowerCasesCharacterByCharacterAndIsolatesIdeographs() {
    // naive, cafe, in, istanbul, :, ο, ##δ, ##ο, ##σ (a final capital sigma gives σ, not ς)
    assertThat(ids("Naïve café in İstanbul: ΟΔΟΣ"))
        .containsExactly(101, 15743, 7668, 1999, 9960, 1024, 1169, 29722, 29730, 29733, 102);
    assertThat(ids("日本語 text")).containsExactly(101, 1864, 1876, 1950, 3793, 102);
  }

  @Test
  void dropsInvisibleFormatCharactersAndReadsSpecialTokensInTheText() {
    // A soft hyphen and a zero-width space are removed, joining the words around them.
    assertThat(ids("soft\u00adhyphen zero\u200bwidth"))
        .containsExactly(101, 3730, 10536, 8458, 2368, 5717, 9148, 11927, 2232, 102);
    assertThat(ids("unaffable [SEP] x")).containsExactly(101, 14477, 20961, 3468, 102, 1060, 102);
  }

  @Test
  void emptyAndBlankTextsAreJustTheSpecialTokens() {
    assertThat(ids("")).containsExactly(101, 102);
    assertThat(ids(" \t\n\u00a0")).containsExactly(101, 102);
  }

  @Test
  void wordsLongerThanAHundredCharactersAreUnknown() {
    assertThat(ids("a".repeat(101))).containsExactly(101, 100, 102);
    assertThat(tokenizer.pieces("a".repeat(100), 10)).isNotEqualTo(List.of("[UNK]"));
  }

  @Test
  void truncatesToTheLimitKeepingTheSpecialTokens() {
    String text = "word ".repeat(1000);
    long[] ids = tokenizer.encode(text, 8);
    assertThat(ids).hasSize(8);
    assertThat(ids[0]).isEqualTo(101);
    assertThat(ids[7]).isEqualTo(102);
    assertThat(tokenizer.pieces(text, 6))
        .containsExactly("word", "word", "word", "word", "word", "word");
    // A multi-piece word cut by the limit keeps its first pieces.
    assertThat(tokenizer.pieces("descaler", 2)).containsExactly("des", "##cal");
  }

  @Test
  void refusesATokenizerOfAnotherKind() {
    String json =
        """
        {"normalizer": {"type": "NFC"}, "pre_tokenizer": {"type": "Whitespace"},
         "model": {"type": "BPE", "vocab": {}}}\
        """;
    assertThatThrownBy(
            () ->
                WordPieceTokenizer.fromTokenizerJson(
                    new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("normalizer");
  }
}
