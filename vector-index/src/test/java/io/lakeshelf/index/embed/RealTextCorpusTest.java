package io.lakeshelf.index.embed;

import static io.lakeshelf.index.embed.SharedModel.dot;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RealTextCorpusTest {

  @TempDir Path dir;
  private Path cache;

  @BeforeEach
  void useATemporaryCache() {
    cache = dir.resolve("cache.f32");
    System.setProperty(CorpusEmbeddings.CACHE_PROPERTY, cache.toString());
  }

  @AfterEach
  void restoreTheCache() {
    System.clearProperty(CorpusEmbeddings.CACHE_PROPERTY);
  }

  @Test
  void holdsEverySynsetOnceInAFixedMixedOrder() {
    List<Passage> all = RealTextCorpus.all();
    assertThat(all).hasSize(RealTextCorpus.SIZE);
    assertThat(all.stream().map(Passage::id).distinct().count()).isEqualTo(RealTextCorpus.SIZE);
    assertThat(RealTextCorpus.first(1000)).isEqualTo(all.subList(0, 1000));
    // Pinned: the order is part of what cached embeddings and recorded figures refer to.
    assertThat(RealTextCorpus.first(3).stream().map(Passage::id))
        .containsExactly(FIRST_IDS.toArray(String[]::new));
    // Nouns, verbs, adjectives (head and satellite) and adverbs, mixed from the start.
    assertThat(
            RealTextCorpus.first(1000).stream()
                .map(p -> p.id().charAt(0))
                .collect(Collectors.toSet()))
        .containsExactlyInAnyOrder('n', 'v', 'a', 's', 'r');
    assertThatThrownBy(() -> RealTextCorpus.first(RealTextCorpus.SIZE + 1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static final List<String> FIRST_IDS = List.of("n08526463", "n04339718", "n02664522");

  @Test
  void aPassageIsTheSynsetsWordsAndItsGloss() {
    Passage p =
        RealTextCorpus.parse(
            "00019769 00 s 02 handy 0 ready_to_hand(p) 0 002 & 00019169 a 0000 + 04726275 n 0101 |"
                + " easy to reach; \"found a handy spot for the can opener\"  ");
    assertThat(p)
        .isEqualTo(
            new Passage(
                "s00019769",
                "handy, ready to hand",
                "handy, ready to hand: easy to reach; \"found a handy spot for the can opener\""));
  }

  @Test
  void embeddingsAreComputedOnceAndReadFromTheCacheAfter() throws Exception {
    long before = CorpusEmbeddings.EMBEDDED.get();
    float[][] first = CorpusEmbeddings.first(300);
    assertThat(CorpusEmbeddings.EMBEDDED.get() - before).isEqualTo(300);
    assertThat(cache).isRegularFile();

    // Fewer: a prefix of the cache, nothing embedded.
    float[][] fewer = CorpusEmbeddings.first(200);
    assertThat(CorpusEmbeddings.EMBEDDED.get() - before).isEqualTo(300);
    for (int i = 0; i < 200; i++) {
      assertThat(fewer[i]).containsExactly(first[i]);
    }
    // More: only the missing passages are embedded.
    float[][] more = CorpusEmbeddings.first(350);
    assertThat(CorpusEmbeddings.EMBEDDED.get() - before).isEqualTo(350);
    assertThat(more[299]).containsExactly(first[299]);

    // They are the model's vectors of the passages' texts.
    List<Passage> passages = RealTextCorpus.first(350);
    float[][] direct =
        SharedModel.get().embed(List.of(passages.get(0).text(), passages.get(349).text()));
    assertThat(dot(more[0], direct[0])).isGreaterThan(0.9999);
    assertThat(dot(more[349], direct[1])).isGreaterThan(0.9999);
  }

  @Test
  void anUnreadableCacheIsRecomputed() throws Exception {
    Files.writeString(cache, "not a cache");
    long before = CorpusEmbeddings.EMBEDDED.get();
    float[][] v = CorpusEmbeddings.first(20);
    assertThat(CorpusEmbeddings.EMBEDDED.get() - before).isEqualTo(20);
    assertThat(v).hasNumberOfRows(20);
    assertThat(Files.size(cache)).isGreaterThan(20L * 384 * Float.BYTES);
  }
}
