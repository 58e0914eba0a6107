package io.lakeshelf.langchain4j;

import static dev.langchain4j.store.embedding.filter.MetadataFilterBuilder.metadataKey;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.langchain4j.data.document.Metadata;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.store.embedding.EmbeddingMatch;
import dev.langchain4j.store.embedding.EmbeddingSearchRequest;
import dev.langchain4j.store.embedding.EmbeddingStore;
import dev.langchain4j.store.embedding.filter.Filter;
import io.lakeshelf.langchain4j.autoconfigure.LakeshelfEmbeddingStoreAutoConfiguration;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * The auto-configured store against a Lakeshelf that asks for an API key: the key is sent as a
 * bearer token, the collection is created from the properties, and without the key nothing works.
 */
class LakeshelfEmbeddingStoreAutoConfigurationIT {

  private static final String KEY = "lc4j-test-key";

  @TempDir static Path dataDir;

  private static RunningLakeshelf service;

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(AutoConfigurations.of(LakeshelfEmbeddingStoreAutoConfiguration.class));

  @BeforeAll
  static void start() throws Exception {
    String hash =
        HexFormat.of()
            .formatHex(
                MessageDigest.getInstance("SHA-256").digest(KEY.getBytes(StandardCharsets.UTF_8)));
    service =
        RunningLakeshelf.start(
            dataDir,
            "--lakeshelf.security.api-keys[0].name=lc4j",
            "--lakeshelf.security.api-keys[0].hash=sha256:" + hash,
            "--lakeshelf.security.api-keys[0].roles=read,write,admin");
  }

  @AfterAll
  static void stop() {
    service.close();
  }

  @Test
  void the_auto_configured_store_creates_its_collection_and_round_trips_a_segment() {
    runner
        .withPropertyValues(
            "lakeshelf.langchain4j.base-url=" + service.baseUrl(),
            "lakeshelf.langchain4j.api-key=" + KEY,
            "lakeshelf.langchain4j.collection-name=lc4j-auto",
            "lakeshelf.langchain4j.dimensions=3")
        .run(
            context -> {
              assertThat(context).hasSingleBean(LakeshelfEmbeddingStore.class);
              @SuppressWarnings("unchecked")
              EmbeddingStore<TextSegment> store = context.getBean(EmbeddingStore.class);
              Embedding embedding = Embedding.from(new float[] {0.6f, 0.8f, 0f});
              String id =
                  store.add(
                      embedding,
                      TextSegment.from("lakes", Metadata.from("lang", "en").put("n", 7)));

              List<EmbeddingMatch<TextSegment>> matches =
                  store
                      .search(
                          EmbeddingSearchRequest.builder()
                              .queryEmbedding(embedding)
                              .maxResults(5)
                              .build())
                      .matches();

              assertThat(matches).hasSize(1);
              assertThat(matches.get(0).embeddingId()).isEqualTo(id);
              assertThat(matches.get(0).score())
                  .isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-6));
              assertThat(matches.get(0).embedding()).isEqualTo(embedding);
              assertThat(matches.get(0).embedded().text()).isEqualTo("lakes");
              assertThat(matches.get(0).embedded().metadata().getString("lang")).isEqualTo("en");
              // Typed: the integer comes back as a JSON integer, not as the text "7".
              assertThat(matches.get(0).embedded().metadata().toMap()).containsEntry("n", 7);
            });
  }

  @Test
  void a_float_matches_the_double_of_its_decimal_form_as_in_langchain4j() {
    try (LakeshelfEmbeddingStore store =
        LakeshelfEmbeddingStore.builder()
            .baseUrl(service.baseUrl())
            .apiKey(KEY)
            .collectionName("lc4j-floats")
            .dimensions(3)
            .build()) {
      Metadata metadata = new Metadata().put("x", 1.1f);
      Embedding embedding = Embedding.from(new float[] {1f, 0f, 0f});
      store.add(embedding, TextSegment.from("float", metadata));
      Filter filter = metadataKey("x").isEqualTo(1.1d);
      // LangChain4j compares 1.1f and 1.1d by their decimal text: equal.
      assertThat(filter.test(metadata)).isTrue();

      List<EmbeddingMatch<TextSegment>> matches =
          store
              .search(
                  EmbeddingSearchRequest.builder()
                      .queryEmbedding(embedding)
                      .filter(filter)
                      .maxResults(5)
                      .build())
              .matches();

      assertThat(matches).hasSize(1);
      assertThat(matches.get(0).embedded().metadata().toMap()).containsEntry("x", 1.1d);
      assertThat(matches.get(0).embedded().metadata().getFloat("x")).isEqualTo(1.1f);
    }
  }

  @Test
  void without_the_base_url_there_is_no_store() {
    runner.run(context -> assertThat(context).doesNotHaveBean(LakeshelfEmbeddingStore.class));
  }

  @Test
  void without_the_api_key_lakeshelf_refuses_the_store() {
    assertThatThrownBy(
            () ->
                LakeshelfEmbeddingStore.builder()
                    .baseUrl(service.baseUrl())
                    .collectionName("lc4j-no-key")
                    .dimensions(3)
                    .build())
        .isInstanceOfSatisfying(
            LakeshelfException.class,
            e -> {
              assertThat(e.status()).isEqualTo(401);
              assertThat(e.code()).isEqualTo("UNAUTHORIZED");
            });
  }

  @Test
  void a_collection_of_other_dimensions_is_refused() {
    try (LakeshelfEmbeddingStore created =
        LakeshelfEmbeddingStore.builder()
            .baseUrl(service.baseUrl())
            .apiKey(KEY)
            .collectionName("lc4j-dims")
            .dimensions(3)
            .build()) {
      assertThat(created.dimensions()).isEqualTo(3);
      assertThat(created.vectorName()).isEqualTo("body");
    }
    assertThatThrownBy(
            () ->
                LakeshelfEmbeddingStore.builder()
                    .baseUrl(service.baseUrl())
                    .apiKey(KEY)
                    .collectionName("lc4j-dims")
                    .dimensions(4)
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("3-dimensional");
  }
}
