package io.lakeshelf.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A row's text is composed as the service composes a document's title and text. */
class SourceTextTest {

  @Test
  void joinsTheNonBlankColumnsWithABlankLine() {
    assertThat(SourceText.compose(List.of("Title", "Body text"))).isEqualTo("Title\n\nBody text");
    assertThat(SourceText.compose(List.of("a", "b", "c"))).isEqualTo("a\n\nb\n\nc");
  }

  @Test
  void leavesOutNullAndBlankColumnsAsTheServiceDoes() {
    // DocumentValidator.embeddingInput: the text alone, or the title alone, when the other is
    // null or blank (String.isBlank: any white space, tabs and line feeds included).
    assertThat(SourceText.compose(Arrays.asList(null, "Body"))).isEqualTo("Body");
    assertThat(SourceText.compose(Arrays.asList("Title", null))).isEqualTo("Title");
    assertThat(SourceText.compose(List.of(" \t\n", "Body"))).isEqualTo("Body");
    assertThat(SourceText.compose(List.of("Title", "\u2003"))).isEqualTo("Title");
    // Non-blank values are kept as they are, surrounding white space included.
    assertThat(SourceText.compose(List.of(" Title ", "Body\n"))).isEqualTo(" Title \n\nBody\n");
  }

  @Test
  void aRowWithoutTextHasNone() {
    assertThat(SourceText.compose(Arrays.asList(null, null))).isNull();
    assertThat(SourceText.compose(Arrays.asList("", "  "))).isNull();
    assertThat(SourceText.compose(List.of())).isNull();
  }

  @Test
  void hashesTheUtf8BytesWithSha256InLowerCaseHex() {
    // FIPS 180-2's test vector.
    assertThat(SourceText.sha256("abc"))
        .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    assertThat(SourceText.sha256("")).hasSize(64);
    assertThat(SourceText.sha256("é")).isNotEqualTo(SourceText.sha256("e\u0301"));
    assertThat(SourceText.sha256("Title\n\nBody")).isNotEqualTo(SourceText.sha256("Title\nBody"));
  }
}
