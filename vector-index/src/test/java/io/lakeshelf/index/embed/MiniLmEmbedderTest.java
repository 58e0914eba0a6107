package io.lakeshelf.index.embed;

import static io.lakeshelf.index.embed.SharedModel.dot;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class MiniLmEmbedderTest {

  private final MiniLmEmbedder model = SharedModel.get();

  private static final List<String> TEXTS =
      List.of(
          "The cat sat on the mat.",
          "Chlorophyll absorbs light energy.",
          "",
          "Descale the Brewmaster XR-4471 every 300 cups, or sooner when the amber indicator"
              + " blinks.",
          "Berlin");

  @Test
  void describesItself() {
    assertThat(model.name()).isEqualTo("all-minilm-l6-v2");
    assertThat(model.dimensions()).isEqualTo(384);
    assertThat(model.normalized()).isTrue();
  }

  @Test
  void givesOneUnitLengthVectorOf384DimensionsPerTextInOrder() {
    float[][] vectors = model.embed(TEXTS);
    assertThat(vectors).hasNumberOfRows(TEXTS.size());
    for (float[] v : vectors) {
      assertThat(v).hasSize(384);
      assertThat(dot(v, v)).isCloseTo(1.0, within(1e-5));
    }
    // In order: each text's vector is the one it gets on its own.
    for (int i = 0; i < TEXTS.size(); i++) {
      assertThat(dot(vectors[i], model.embed(List.of(TEXTS.get(i)))[0])).isGreaterThan(0.9999);
    }
    assertThat(model.embed(List.of())).isEmpty();
  }

  @Test
  void theSameTextGivesTheSameVector() {
    float[] first = model.embed(List.of("Magna Carta was sealed at Runnymede in 1215."))[0];
    float[] second = model.embed(List.of("Magna Carta was sealed at Runnymede in 1215."))[0];
    assertThat(second).containsExactly(first);
  }

  @Test
  void aBatchGivesTheVectorsOfTheTextsEmbeddedOneByOne() {
    // More than one run of the model, and texts of very different lengths padded together.
    List<String> texts = new ArrayList<>();
    for (int i = 0; i < MiniLmEmbedder.MAX_BATCH + 6; i++) {
      texts.add(
          i % 3 == 0
              ? "short " + i
              : "a somewhat longer passage about topic number "
                  + i
                  + ", with a few more words to pad it out to a different length than the others");
    }
    float[][] batch = model.embed(texts);
    for (int i = 0; i < texts.size(); i++) {
      float[] single = model.embed(List.of(texts.get(i)))[0];
      for (int d = 0; d < single.length; d++) {
        assertThat(batch[i][d])
            .as("text %d dimension %d", i, d)
            .isCloseTo(single[d], within(1e-5f));
      }
    }
  }

  @Test
  void theEmptyTextAndBlankTextsAreEmbedded() {
    float[][] v = model.embed(List.of("", "   \n\t"));
    assertThat(dot(v[0], v[0])).isCloseTo(1.0, within(1e-5));
    // White space is no token: both are just [CLS] [SEP].
    assertThat(v[1]).containsExactly(v[0]);
  }

  @Test
  void aTextPastTheTokenLimitIsTruncatedSoItsEndDoesNotMatter() {
    String start = "The Rosetta Stone carries the same decree in hieroglyphs, Demotic and Greek. ";
    StringBuilder prefix = new StringBuilder();
    while (model.tokenIds(prefix.toString()).length < MiniLmEmbedder.MAX_TOKENS) {
      prefix.append(start);
    }
    String tailA = " Volcanoes erupt when dissolved gases come out of magma. ".repeat(2000);
    String tailB = " Penguins huddle through the Antarctic winter. ".repeat(2000);
    assertThat(model.tokenIds(prefix + tailA)).hasSize(MiniLmEmbedder.MAX_TOKENS);
    float[][] v = model.embed(List.of(prefix + tailA, prefix + tailB, prefix.toString()));
    assertThat(dot(v[0], v[0])).isCloseTo(1.0, within(1e-5));
    assertThat(dot(v[0], v[1])).isGreaterThan(0.9999);
    assertThat(dot(v[0], v[2])).isGreaterThan(0.9999);
    // Below the limit the end does matter.
    float[][] shortOnes =
        model.embed(List.of(start + tailA.substring(0, 60), start + tailB.substring(0, 48)));
    assertThat(dot(shortOnes[0], shortOnes[1])).isLessThan(0.95);
  }

  @Test
  void similarMeaningsAreCloserThanUnrelatedOnes() {
    float[][] v =
        model.embed(
            List.of(
                "How do I reset my router to factory settings?",
                "Restoring the network box to its defaults: hold the reset button for ten seconds.",
                "The Black Death killed a third of Europe's population."));
    assertThat(dot(v[0], v[1])).isGreaterThan(dot(v[0], v[2]) + 0.2);
  }

  @Test
  void rejectsNullTexts() {
    assertThatThrownBy(() -> model.embed(Arrays.asList("a", null)))
        .isInstanceOf(NullPointerException.class);
  }

  @Test
  void aClosedModelRefusesToEmbed() {
    MiniLmEmbedder own = MiniLmEmbedder.load();
    assertThat(own.embed(List.of("still open"))).hasNumberOfRows(1);
    own.close();
    own.close(); // idempotent
    assertThatThrownBy(() -> own.embed(List.of("closed")))
        .isInstanceOf(IllegalStateException.class);
  }
}
