package io.lakeshelf.index.embed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class EmbeddingModelsTest {

  @Test
  void theBundledModelIsKnownByNameAndLoadedOnlyWhenFirstAskedFor() {
    try (EmbeddingModels models = EmbeddingModels.withBuiltIns()) {
      assertThat(models.names()).containsExactly("all-minilm-l6-v2");
      assertThat(models.contains("all-minilm-l6-v2")).isTrue();
      assertThat(models.isLoaded("all-minilm-l6-v2")).isFalse();

      TextEmbedder model = models.get("all-minilm-l6-v2");
      assertThat(model).isInstanceOf(MiniLmEmbedder.class);
      assertThat(model.dimensions()).isEqualTo(384);
      assertThat(models.isLoaded("all-minilm-l6-v2")).isTrue();
      assertThat(models.get("all-minilm-l6-v2")).isSameAs(model);
    }
  }

  @Test
  void concurrentFirstCallersShareOneLoad() throws Exception {
    AtomicInteger loads = new AtomicInteger();
    ExecutorService callers = Executors.newFixedThreadPool(6);
    try (EmbeddingModels models = new EmbeddingModels()) {
      models.register(
          "all-minilm-l6-v2",
          () -> {
            loads.incrementAndGet();
            return MiniLmEmbedder.load();
          });
      List<Future<TextEmbedder>> got = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        got.add(callers.submit(() -> models.get("all-minilm-l6-v2")));
      }
      TextEmbedder first = got.get(0).get();
      for (Future<TextEmbedder> f : got) {
        assertThat(f.get()).isSameAs(first);
      }
      assertThat(loads).hasValue(1);
    } finally {
      callers.shutdownNow();
    }
  }

  @Test
  void aDeploymentRegistersItsOwnModelUnderItsName() {
    TextEmbedder mine = new PrefixOfBundled("in-house-small");
    try (EmbeddingModels models = EmbeddingModels.withBuiltIns()) {
      models.register("in-house-small", () -> mine);
      assertThat(models.names()).containsExactly("all-minilm-l6-v2", "in-house-small");
      assertThat(models.get("in-house-small")).isSameAs(mine);
      assertThat(models.isLoaded("all-minilm-l6-v2")).isFalse();
    }
  }

  @Test
  void refusesUnknownTakenInvalidAndMisnamedModels() {
    try (EmbeddingModels models = EmbeddingModels.withBuiltIns()) {
      assertThatThrownBy(() -> models.get("bge-small-en"))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("unknown embedding model 'bge-small-en'")
          .hasMessageContaining("all-minilm-l6-v2");
      assertThatThrownBy(() -> models.register("all-minilm-l6-v2", MiniLmEmbedder::load))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("registered already");
      assertThatThrownBy(() -> models.register("All MiniLM", MiniLmEmbedder::load))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("invalid embedding model name");
      models.register("other-name", () -> new PrefixOfBundled("not-other-name"));
      assertThatThrownBy(() -> models.get("other-name"))
          .isInstanceOf(EmbeddingException.class)
          .hasMessageContaining("calls itself 'not-other-name'");
      assertThat(models.isLoaded("other-name")).isFalse();
    }
  }

  @Test
  void aFailedLoadIsTriedAgainByTheNextCaller() {
    AtomicInteger attempts = new AtomicInteger();
    try (EmbeddingModels models = new EmbeddingModels()) {
      models.register(
          "flaky",
          () -> {
            if (attempts.incrementAndGet() == 1) {
              throw new IllegalStateException("disk not mounted yet");
            }
            return new PrefixOfBundled("flaky");
          });
      assertThatThrownBy(() -> models.get("flaky"))
          .isInstanceOf(EmbeddingException.class)
          .hasMessageContaining("disk not mounted yet");
      assertThat(models.get("flaky").name()).isEqualTo("flaky");
      assertThat(attempts).hasValue(2);
    }
  }

  @Test
  void closingClosesTheLoadedModelsAndRefusesFurtherUse() {
    EmbeddingModels models = EmbeddingModels.withBuiltIns();
    TextEmbedder model = models.get("all-minilm-l6-v2");
    models.close();
    assertThatThrownBy(() -> model.embed(List.of("after close")))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> models.get("all-minilm-l6-v2"))
        .isInstanceOf(IllegalStateException.class);
  }

  /** Another model for the registry: the bundled one's first 64 dimensions, under another name. */
  private static final class PrefixOfBundled implements TextEmbedder {
    private final String name;

    PrefixOfBundled(String name) {
      this.name = name;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public int dimensions() {
      return 64;
    }

    @Override
    public boolean normalized() {
      return false;
    }

    @Override
    public float[][] embed(List<String> texts) {
      float[][] full = SharedModel.get().embed(texts);
      float[][] out = new float[full.length][];
      for (int i = 0; i < full.length; i++) {
        out[i] = java.util.Arrays.copyOf(full[i], 64);
      }
      return out;
    }
  }
}
