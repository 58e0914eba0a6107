package io.lakeshelf.springai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.observation.tck.TestObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistryAssert;
import java.nio.file.Path;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.ai.document.Document;
import org.springframework.ai.document.DocumentMetadata;
import org.springframework.ai.vectorstore.SearchRequest;
import org.springframework.ai.vectorstore.SimpleVectorStore;
import org.springframework.ai.vectorstore.filter.Filter;
import org.springframework.ai.vectorstore.filter.FilterExpressionBuilder;
import org.springframework.ai.vectorstore.observation.DefaultVectorStoreObservationConvention;

/**
 * Search through the store against the real service: every filter operator against Spring AI's own
 * {@link SimpleVectorStore} holding the same documents (the same ids must match), numbers comparing
 * numerically, {@code topK}, the similarity threshold, metadata types read back, and the
 * observations. One service and one corpus for the class.
 */
class LakeshelfVectorStoreSearchIT {

  @TempDir static Path dataDir;
  static RunningLakeshelf service;
  static LakeshelfVectorStore store;
  static SimpleVectorStore reference;

  /** A query every corpus text has a positive cosine with (checked), so "all" is all for both. */
  static final String BROAD_QUERY = "a sentence";

  static final List<Document> CORPUS =
      List.of(
          doc(
              "d1",
              "Bulgarian wine cellars age red wine in oak barrels",
              "country",
              "BG",
              "year",
              2020,
              "rating",
              4.5,
              "views",
              9,
              "draft",
              false),
          doc(
              "d2",
              "Photosynthesis converts sunlight into chemical energy in plants",
              "country",
              "NL",
              "year",
              2021,
              "rating",
              3.0,
              "views",
              10,
              "draft",
              true),
          doc(
              "d3",
              "The stock market fell sharply after the interest rate decision",
              "country",
              "BG",
              "year",
              2023,
              "rating",
              2.5,
              "views",
              100),
          doc(
              "d4",
              "A recipe for sourdough bread with a crisp crust",
              "country",
              "DE",
              "rating",
              5.0,
              "draft",
              false),
          doc("d5", "The football match ended in a draw after extra time", "year", 999, "views", 2),
          // rating is an integer here and floating elsewhere: numbers compare alike.
          doc(
              "d6",
              "Volcanic eruptions release ash and sulfur dioxide",
              "country",
              "NL",
              "year",
              2019,
              "rating",
              4,
              "draft",
              true),
          doc("d7", "How do I reset my router password", "country", "US"));

  private static Document doc(String id, String text, Object... keyValues) {
    Map<String, Object> metadata = new LinkedHashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      metadata.put((String) keyValues[i], keyValues[i + 1]);
    }
    return Document.builder().id(id).text(text).metadata(metadata).build();
  }

  private static Document copy(Document d) {
    return Document.builder().id(d.getId()).text(d.getText()).metadata(d.getMetadata()).build();
  }

  @BeforeAll
  static void start() {
    service = RunningLakeshelf.start(dataDir);
    store =
        LakeshelfVectorStore.builder(service.client(), MiniLmEmbeddingModel.INSTANCE)
            .collectionName("search")
            .initializeSchema(true)
            .build();
    store.afterPropertiesSet();
    store.add(CORPUS.stream().map(LakeshelfVectorStoreSearchIT::copy).toList());
    reference = SimpleVectorStore.builder(MiniLmEmbeddingModel.INSTANCE).build();
    reference.add(CORPUS.stream().map(LakeshelfVectorStoreSearchIT::copy).toList());
  }

  @AfterAll
  static void stop() {
    if (service != null) {
      service.close();
    }
  }

  private static SearchRequest.Builder all(String query) {
    return SearchRequest.builder().query(query).topK(100).similarityThresholdAll();
  }

  private static Set<String> ids(List<Document> documents) {
    return documents.stream().map(Document::getId).collect(Collectors.toSet());
  }

  @Test
  void theBroadQueryReachesEveryDocumentInBothStores() {
    assertThat(ids(reference.similaritySearch(all(BROAD_QUERY).build())))
        .containsExactlyInAnyOrderElementsOf(ids(CORPUS));
    assertThat(ids(store.similaritySearch(all(BROAD_QUERY).build())))
        .containsExactlyInAnyOrderElementsOf(ids(CORPUS));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "country == 'BG'",
        "country != 'BG'",
        "year > 2020",
        "year >= 2020",
        "year < 2021",
        "year <= 2021",
        "year == 2020.0",
        "year != 2020",
        "rating > 4",
        "rating >= 4.0",
        "rating < 3",
        "rating == 4",
        "rating <= 4.5",
        "views > 9",
        "views < 10",
        "country in ['BG', 'NL']",
        "country nin ['BG', 'NL']",
        "country not in ['DE']",
        "year in [2019, 2023]",
        "year nin [2019, 2023.0]",
        "year IS NULL",
        "year IS NOT NULL",
        "country IS NULL",
        "draft == true",
        "draft != true",
        "draft == false",
        "draft > false",
        "draft >= true",
        "draft < true",
        "draft <= false",
        "NOT (country == 'BG')",
        "NOT (year > 2020)",
        "NOT (year < 2021)",
        "NOT (country != 'NL')",
        "country == 'BG' && year >= 2021",
        "country == 'NL' || year < 2000",
        "(country == 'BG' || country == 'DE') && NOT (year IS NULL)",
        "country in ['BG', 'NL'] && rating >= 3 && views > 5",
        "year > 2018 || rating > 4.5 || country == 'US'",
        "NOT (draft == true || views >= 10)"
      })
  void everyOperatorMatchesWhatSimpleVectorStoreMatches(String filter) {
    Set<String> expected =
        ids(reference.similaritySearch(all(BROAD_QUERY).filterExpression(filter).build()));
    List<Document> hits = store.similaritySearch(all(BROAD_QUERY).filterExpression(filter).build());
    assertThat(ids(hits)).as(filter).containsExactlyInAnyOrderElementsOf(expected);
    assertThat(hits)
        .extracting(Document::getScore)
        .isSortedAccordingTo((a, b) -> Double.compare(b, a));
  }

  @Test
  void emptyListsAndBuiltExpressionsToo() {
    FilterExpressionBuilder b = new FilterExpressionBuilder();
    for (Filter.Expression e :
        List.of(
            b.in("country", List.of()).build(),
            b.nin("country", List.of()).build(),
            b.and(b.gte("year", 2020), b.lt("rating", 4.5)).build(),
            b.not(b.in("views", 2, 9)).build(),
            b.isNull("draft").build())) {
      assertThat(ids(store.similaritySearch(all(BROAD_QUERY).filterExpression(e).build())))
          .as(e.toString())
          .containsExactlyInAnyOrderElementsOf(
              ids(reference.similaritySearch(all(BROAD_QUERY).filterExpression(e).build())));
    }
  }

  @Test
  void numbersCompareNumericallyNotAsText() {
    // As text "10" < "9" and "999" > "2020".
    assertThat(ids(store.similaritySearch(all(BROAD_QUERY).filterExpression("views > 9").build())))
        .containsExactlyInAnyOrder("d2", "d3");
    assertThat(
            ids(store.similaritySearch(all(BROAD_QUERY).filterExpression("year < 2000").build())))
        .containsExactlyInAnyOrder("d4", "d7", "d5"); // d4, d7 have no year: null is least
    assertThat(
            ids(
                store.similaritySearch(
                    all(BROAD_QUERY).filterExpression("year >= 1000 && year <= 2020").build())))
        .containsExactlyInAnyOrder("d1", "d6");
    // An integer filter value matches floating metadata and the other way round.
    assertThat(
            ids(store.similaritySearch(all(BROAD_QUERY).filterExpression("rating == 5").build())))
        .containsExactly("d4");
    assertThat(
            ids(store.similaritySearch(all(BROAD_QUERY).filterExpression("rating == 4.0").build())))
        .containsExactly("d6");
  }

  @Test
  void topKLimitsToTheBestHits() {
    List<Document> everything = store.similaritySearch(all(CORPUS.get(0).getText()).build());
    assertThat(everything).hasSize(CORPUS.size());
    List<Document> top3 =
        store.similaritySearch(
            SearchRequest.builder()
                .query(CORPUS.get(0).getText())
                .topK(3)
                .similarityThresholdAll()
                .build());
    assertThat(top3)
        .extracting(Document::getId)
        .containsExactlyElementsOf(everything.stream().limit(3).map(Document::getId).toList());
    assertThat(top3.get(0).getId()).isEqualTo("d1");
    assertThat(
            store.similaritySearch(
                SearchRequest.builder()
                    .query(CORPUS.get(0).getText())
                    .topK(2)
                    .filterExpression("country == 'NL'")
                    .similarityThresholdAll()
                    .build()))
        .extracting(Document::getId)
        .containsExactlyInAnyOrder("d2", "d6");
  }

  @Test
  void theThresholdKeepsHitsWhoseCosineReachesIt() {
    String query = CORPUS.get(0).getText();
    List<Document> everything = store.similaritySearch(all(query).build());
    // The document itself: cosine 1.
    assertThat(everything.get(0).getId()).isEqualTo("d1");
    assertThat(everything.get(0).getScore()).isGreaterThan(0.999);
    assertThat((Double) everything.get(0).getMetadata().get(DocumentMetadata.DISTANCE.value()))
        .isLessThan(0.001);
    // A threshold between the third and the fourth score keeps the first three.
    double t = (everything.get(2).getScore() + everything.get(3).getScore()) / 2;
    assertThat(everything.get(2).getScore() - everything.get(3).getScore()).isGreaterThan(1e-4);
    List<Document> kept =
        store.similaritySearch(
            SearchRequest.builder().query(query).topK(100).similarityThreshold(t).build());
    assertThat(kept)
        .extracting(Document::getId)
        .containsExactlyElementsOf(everything.stream().limit(3).map(Document::getId).toList());
    assertThat(kept).allSatisfy(d -> assertThat(d.getScore()).isGreaterThanOrEqualTo(t));
    // SimpleVectorStore compares the same cosine with the threshold: the same documents.
    assertThat(
            ids(
                reference.similaritySearch(
                    SearchRequest.builder().query(query).topK(100).similarityThreshold(t).build())))
        .containsExactlyInAnyOrderElementsOf(ids(kept));
    assertThat(
            store.similaritySearch(
                SearchRequest.builder().query(query).topK(100).similarityThreshold(0.9999).build()))
        .extracting(Document::getId)
        .containsExactly("d1");
  }

  @Test
  void similarityThresholdAllReturnsHitsWithANegativeCosineToo() {
    String query = "Quantum computers use qubits that can be in superposition";
    List<Document> everything = store.similaritySearch(all(query).build());
    assertThat(everything).hasSize(CORPUS.size());
    // The football text points away from the query: a minScore of 0 would drop it.
    Document football =
        everything.stream().filter(d -> d.getId().equals("d5")).findFirst().orElseThrow();
    assertThat(football.getScore()).isNegative();
    assertThat((Double) football.getMetadata().get(DocumentMetadata.DISTANCE.value()))
        .isGreaterThan(1.0);
    // Any positive threshold drops it.
    assertThat(
            ids(
                store.similaritySearch(
                    SearchRequest.builder()
                        .query(query)
                        .topK(100)
                        .similarityThreshold(0.001)
                        .build())))
        .doesNotContain("d5");
  }

  @Test
  void metadataComesBackWithItsType() {
    LakeshelfVectorStore typed =
        LakeshelfVectorStore.builder(service.client(), MiniLmEmbeddingModel.INSTANCE)
            .collectionName("typed")
            .initializeSchema(true)
            .build();
    typed.afterPropertiesSet();
    UUID uuid = UUID.fromString("6f1c1e8a-0f3e-4a36-9d3b-4a1f2a3b4c5d");
    Map<String, Object> metadata = new HashMap<>();
    metadata.put("s", "text");
    metadata.put("i", 42);
    metadata.put("big", 12_345_678_901L);
    metadata.put("d", 1.0);
    metadata.put("f", 0.1f);
    metadata.put("b", true);
    metadata.put("uuid", uuid);
    metadata.put("date", new Date(1_700_000_000_000L));
    typed.add(
        List.of(Document.builder().id("t1").text("a typed document").metadata(metadata).build()));

    Document hit = typed.similaritySearch(all("a typed document").build()).get(0);
    assertThat(hit.getId()).isEqualTo("t1");
    assertThat(hit.getText()).isEqualTo("a typed document");
    assertThat(hit.getMetadata())
        .containsEntry("s", "text")
        .containsEntry("i", 42)
        .containsEntry("big", 12_345_678_901L)
        .containsEntry("d", 1.0)
        .containsEntry("f", 0.1)
        .containsEntry("b", true)
        .containsEntry("uuid", uuid.toString())
        .containsEntry("date", "2023-11-14T22:13:20Z")
        .containsKey(DocumentMetadata.DISTANCE.value());
    assertThat(
            typed.similaritySearch(
                all("a typed document").filterExpression("uuid == '" + uuid + "'").build()))
        .hasSize(1);
    assertThat(
            typed.similaritySearch(
                all("a typed document")
                    .filterExpression(new FilterExpressionBuilder().eq("uuid", uuid).build())
                    .build()))
        .hasSize(1);
    assertThat(
            typed.similaritySearch(
                all("a typed document").filterExpression("big > 12345678900L").build()))
        .hasSize(1);

    assertThatThrownBy(
            () ->
                typed.add(
                    List.of(
                        Document.builder()
                            .id("t2")
                            .text("nested")
                            .metadata(Map.of("tags", List.of("a", "b")))
                            .build())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("t2")
        .hasMessageContaining("tags");
  }

  @Test
  void aRefusedRequestSaysWhy() {
    LakeshelfVectorStore missing =
        LakeshelfVectorStore.builder(service.client(), MiniLmEmbeddingModel.INSTANCE)
            .collectionName("no_such_collection")
            .build();
    assertThatThrownBy(() -> missing.similaritySearch("anything"))
        .isInstanceOfSatisfying(
            LakeshelfApiException.class,
            e -> {
              assertThat(e.status()).isEqualTo(404);
              assertThat(e.code()).isEqualTo("COLLECTION_NOT_FOUND");
            });
  }

  @Test
  void initializeSchemaChecksAnExistingCollection() {
    LakeshelfVectorStore otherDimensions =
        LakeshelfVectorStore.builder(service.client(), MiniLmEmbeddingModel.INSTANCE)
            .collectionName("search")
            .dimensions(768)
            .initializeSchema(true)
            .build();
    assertThatThrownBy(otherDimensions::afterPropertiesSet)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("384")
        .hasMessageContaining("768");
    LakeshelfVectorStore otherVector =
        LakeshelfVectorStore.builder(service.client(), MiniLmEmbeddingModel.INSTANCE)
            .collectionName("search")
            .vectorName("image")
            .initializeSchema(true)
            .build();
    assertThatThrownBy(otherVector::afterPropertiesSet)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("image");
    assertThat(
            service
                .client()
                .findCollection("search")
                .orElseThrow()
                .path("vectors")
                .path("body")
                .path("similarity")
                .asString())
        .isEqualTo("cosine");
  }

  @Test
  void everyOperationIsObserved() {
    TestObservationRegistry registry = TestObservationRegistry.create();
    LakeshelfVectorStore observed =
        LakeshelfVectorStore.builder(service.client(), MiniLmEmbeddingModel.INSTANCE)
            .collectionName("observed")
            .initializeSchema(true)
            .observationRegistry(registry)
            .build();
    observed.afterPropertiesSet();

    observed.add(List.of(copy(CORPUS.get(0)), copy(CORPUS.get(1))));
    assertOperation(registry, "add");
    registry.clear();

    List<Document> hits =
        observed.similaritySearch(
            SearchRequest.builder()
                .query("wine")
                .topK(1)
                .similarityThreshold(0.1)
                .filterExpression("country == 'BG'")
                .build());
    assertThat(hits).extracting(Document::getId).containsExactly("d1");
    assertOperation(registry, "query");
    TestObservationRegistryAssert.assertThat(registry)
        .hasObservationWithNameEqualTo(DefaultVectorStoreObservationConvention.DEFAULT_NAME)
        .that()
        .hasHighCardinalityKeyValue("db.vector.query.content", "wine")
        .hasHighCardinalityKeyValue("db.vector.query.top_k", "1")
        .hasHighCardinalityKeyValue("db.vector.query.similarity_threshold", "0.1")
        .hasHighCardinalityKeyValueWithKey("db.vector.query.filter");
    registry.clear();

    observed.delete(List.of("d1"));
    assertOperation(registry, "delete");
    registry.clear();
    observed.delete("country == 'NL'");
    assertOperation(registry, "delete");
    assertThat(observed.similaritySearch(all("wine").build())).isEmpty();
  }

  private static void assertOperation(TestObservationRegistry registry, String operation) {
    TestObservationRegistryAssert.assertThat(registry)
        .doesNotHaveAnyRemainingCurrentObservation()
        .hasNumberOfObservationsWithNameEqualTo(
            DefaultVectorStoreObservationConvention.DEFAULT_NAME, 1)
        .hasObservationWithNameEqualTo(DefaultVectorStoreObservationConvention.DEFAULT_NAME)
        .that()
        .hasContextualNameEqualTo("lakeshelf " + operation)
        .hasLowCardinalityKeyValue("db.system", "lakeshelf")
        .hasLowCardinalityKeyValue("db.operation.name", operation)
        .hasLowCardinalityKeyValue("spring.ai.kind", "vector_store")
        .hasHighCardinalityKeyValue("db.collection.name", "observed")
        .hasHighCardinalityKeyValue("db.vector.dimension_count", "384")
        .hasHighCardinalityKeyValue("db.vector.field_name", "body")
        .hasHighCardinalityKeyValue("db.search.similarity_metric", "cosine")
        .hasBeenStarted()
        .hasBeenStopped()
        .doesNotHaveError();
  }
}
