package io.lakeshelf.springai;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakeshelf.springai.autoconfigure.LakeshelfVectorStoreAutoConfiguration;
import io.lakeshelf.springai.autoconfigure.LakeshelfVectorStoreProperties;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistryAssert;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.ai.document.Document;
import org.springframework.ai.embedding.BatchingStrategy;
import org.springframework.ai.embedding.EmbeddingModel;
import org.springframework.ai.embedding.TokenCountBatchingStrategy;
import org.springframework.ai.vectorstore.SearchRequest;
import org.springframework.ai.vectorstore.VectorStore;
import org.springframework.ai.vectorstore.observation.DefaultVectorStoreObservationConvention;
import org.springframework.ai.vectorstore.observation.VectorStoreObservationConvention;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The auto-configuration in an {@link ApplicationContextRunner}: properties bound, the store
 * created (and the collection with it) against a real service that requires an API key, the
 * conditions, and observations through the context's registry.
 */
class LakeshelfVectorStoreAutoConfigurationIT {

  static final String KEY = "spring-ai-test-key-5e1f07";

  @TempDir static Path dataDir;
  static RunningLakeshelf service;

  @BeforeAll
  static void start() {
    service = RunningLakeshelf.start(dataDir, RunningLakeshelf.adminKey(KEY));
  }

  @AfterAll
  static void stop() {
    if (service != null) {
      service.close();
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class EmbeddingAndObservations {
    @Bean
    EmbeddingModel embeddingModel() {
      return MiniLmEmbeddingModel.INSTANCE;
    }

    @Bean
    TestObservationRegistry observationRegistry() {
      return TestObservationRegistry.create();
    }
  }

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(AutoConfigurations.of(LakeshelfVectorStoreAutoConfiguration.class));

  private String url() {
    return "spring.ai.vectorstore.lakeshelf.url=" + service.baseUrl();
  }

  @Test
  void bindsEveryPropertyCreatesTheCollectionAndServesIt() {
    runner
        .withUserConfiguration(EmbeddingAndObservations.class)
        .withPropertyValues(
            url(),
            "spring.ai.vectorstore.lakeshelf.api-key=" + KEY,
            "spring.ai.vectorstore.lakeshelf.collection-name=auto_docs",
            "spring.ai.vectorstore.lakeshelf.vector-name=text_vector",
            "spring.ai.vectorstore.lakeshelf.dimensions=384",
            "spring.ai.vectorstore.lakeshelf.similarity=dot",
            "spring.ai.vectorstore.lakeshelf.initialize-schema=true",
            "spring.ai.vectorstore.lakeshelf.connect-timeout=2s",
            "spring.ai.vectorstore.lakeshelf.read-timeout=45s")
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              LakeshelfVectorStoreProperties properties =
                  context.getBean(LakeshelfVectorStoreProperties.class);
              assertThat(properties)
                  .isEqualTo(
                      new LakeshelfVectorStoreProperties(
                          service.baseUrl(),
                          KEY,
                          "auto_docs",
                          "text_vector",
                          384,
                          LakeshelfSimilarity.DOT,
                          true,
                          Duration.ofSeconds(2),
                          Duration.ofSeconds(45)));
              assertThat(properties.toString()).doesNotContain(KEY);

              assertThat(context).hasSingleBean(VectorStore.class);
              LakeshelfVectorStore store = context.getBean(LakeshelfVectorStore.class);
              assertThat(store.getCollectionName()).isEqualTo("auto_docs");
              assertThat(store.getVectorName()).isEqualTo("text_vector");
              assertThat(store.getSimilarity()).isEqualTo(LakeshelfSimilarity.DOT);
              assertThat(store.dimensions()).isEqualTo(384);
              assertThat(context).hasSingleBean(TokenCountBatchingStrategy.class);

              LakeshelfApiClient client = context.getBean(LakeshelfApiClient.class);
              assertThat(client.connection().apiKey()).isEqualTo(KEY);
              assertThat(client.connection().connectTimeout()).isEqualTo(Duration.ofSeconds(2));
              assertThat(client.connection().readTimeout()).isEqualTo(Duration.ofSeconds(45));
              var vector =
                  client
                      .findCollection("auto_docs")
                      .orElseThrow()
                      .path("vectors")
                      .path("text_vector");
              assertThat(vector.path("dimensions").asInt()).isEqualTo(384);
              assertThat(vector.path("similarity").asString()).isEqualTo("dot");

              TestObservationRegistry registry = context.getBean(TestObservationRegistry.class);
              store.add(
                  List.of(
                      new Document("a1", "Lakeshelf serves vectors over Delta tables", Map.of()),
                      new Document("a2", "Sourdough needs a lively starter", Map.of())));
              TestObservationRegistryAssert.assertThat(registry)
                  .hasObservationWithNameEqualTo(
                      DefaultVectorStoreObservationConvention.DEFAULT_NAME)
                  .that()
                  .hasContextualNameEqualTo("lakeshelf add")
                  .hasHighCardinalityKeyValue("db.collection.name", "auto_docs")
                  .hasHighCardinalityKeyValue("db.search.similarity_metric", "dot");
              registry.clear();

              List<Document> hits =
                  store.similaritySearch(
                      SearchRequest.builder().query("vector search on a lake").topK(1).build());
              assertThat(hits).extracting(Document::getId).containsExactly("a1");
              TestObservationRegistryAssert.assertThat(registry)
                  .hasObservationWithNameEqualTo(
                      DefaultVectorStoreObservationConvention.DEFAULT_NAME)
                  .that()
                  .hasContextualNameEqualTo("lakeshelf query");
            });
  }

  @Test
  void defaults() {
    runner
        .withUserConfiguration(EmbeddingAndObservations.class)
        .run(
            context -> {
              LakeshelfVectorStoreProperties p =
                  context.getBean(LakeshelfVectorStoreProperties.class);
              assertThat(p.url()).isEqualTo(URI.create("http://localhost:8080"));
              assertThat(p.apiKey()).isNull();
              assertThat(p.collectionName()).isEqualTo("vector_store");
              assertThat(p.vectorName()).isEqualTo("body");
              assertThat(p.dimensions()).isNull();
              assertThat(p.similarity()).isEqualTo(LakeshelfSimilarity.COSINE);
              assertThat(p.initializeSchema()).isFalse();
              assertThat(p.connectTimeout()).isEqualTo(Duration.ofSeconds(5));
              assertThat(p.readTimeout()).isEqualTo(Duration.ofSeconds(60));
              // No schema initialization: nothing is asked of the (absent) server at start.
              LakeshelfVectorStore store = context.getBean(LakeshelfVectorStore.class);
              assertThat(store.getCollectionName()).isEqualTo("vector_store");
              assertThat(store.dimensions()).isEqualTo(384);
            });
  }

  @Test
  void noStoreWithoutAnEmbeddingModel() {
    runner
        .withPropertyValues(url())
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(context).doesNotHaveBean(VectorStore.class);
            });
  }

  @Test
  void anotherVectorStoreTypeTurnsItOff() {
    runner
        .withUserConfiguration(EmbeddingAndObservations.class)
        .withPropertyValues(url(), "spring.ai.vectorstore.type=qdrant")
        .run(
            context -> {
              assertThat(context).doesNotHaveBean(VectorStore.class);
              assertThat(context).doesNotHaveBean(LakeshelfApiClient.class);
            });
    runner
        .withUserConfiguration(EmbeddingAndObservations.class)
        .withPropertyValues(url(), "spring.ai.vectorstore.type=lakeshelf")
        .run(context -> assertThat(context).hasSingleBean(LakeshelfVectorStore.class));
  }

  @Test
  void offWithoutTheClasses() {
    runner
        .withUserConfiguration(EmbeddingAndObservations.class)
        .withClassLoader(new FilteredClassLoader(LakeshelfVectorStore.class))
        .run(context -> assertThat(context).doesNotHaveBean(LakeshelfApiClient.class));
  }

  @Configuration(proxyBeanMethods = false)
  static class OwnBeans {
    static final BatchingStrategy BATCHING = new TokenCountBatchingStrategy();

    @Bean
    BatchingStrategy batchingStrategy() {
      return BATCHING;
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class OwnConvention {
    @Bean
    VectorStoreObservationConvention convention() {
      return new DefaultVectorStoreObservationConvention("lakeshelf.test.operation");
    }
  }

  @Test
  void anObservationConventionBeanIsUsed() {
    runner
        .withUserConfiguration(EmbeddingAndObservations.class, OwnConvention.class)
        .withPropertyValues(
            url(),
            "spring.ai.vectorstore.lakeshelf.api-key=" + KEY,
            "spring.ai.vectorstore.lakeshelf.collection-name=conventions",
            "spring.ai.vectorstore.lakeshelf.initialize-schema=true")
        .run(
            context -> {
              context
                  .getBean(VectorStore.class)
                  .similaritySearch(SearchRequest.builder().query("anything").build());
              TestObservationRegistryAssert.assertThat(
                      context.getBean(TestObservationRegistry.class))
                  .hasObservationWithNameEqualTo("lakeshelf.test.operation")
                  .that()
                  .hasContextualNameEqualTo("lakeshelf query");
            });
  }

  @Test
  void backsOffForTheApplicationsOwnBeans() {
    runner
        .withUserConfiguration(EmbeddingAndObservations.class, OwnBeans.class)
        .withPropertyValues(url())
        .run(
            context -> {
              assertThat(context.getBean(BatchingStrategy.class)).isSameAs(OwnBeans.BATCHING);
              assertThat(context).hasSingleBean(LakeshelfVectorStore.class);
            });
  }

  @Test
  void aWrongKeyFailsTheStartWhenTheSchemaIsInitialized() {
    runner
        .withUserConfiguration(EmbeddingAndObservations.class)
        .withPropertyValues(
            url(),
            "spring.ai.vectorstore.lakeshelf.api-key=not-the-key",
            "spring.ai.vectorstore.lakeshelf.initialize-schema=true")
        .run(
            context -> {
              assertThat(context).hasFailed();
              Throwable cause = context.getStartupFailure();
              while (cause.getCause() != null && !(cause instanceof LakeshelfApiException)) {
                cause = cause.getCause();
              }
              assertThat(cause)
                  .isInstanceOfSatisfying(
                      LakeshelfApiException.class,
                      e -> {
                        assertThat(e.status()).isEqualTo(401);
                        assertThat(e.code()).isEqualTo("UNAUTHORIZED");
                      });
            });
  }

  @Test
  void invalidSettingsFailTheStartNamingTheProperty() {
    runner
        .withUserConfiguration(EmbeddingAndObservations.class)
        .withPropertyValues("spring.ai.vectorstore.lakeshelf.collection-name=Not A Name")
        .run(
            context -> {
              assertThat(context).hasFailed();
              assertThat(context.getStartupFailure())
                  .rootCause()
                  .hasMessageContaining("spring.ai.vectorstore.lakeshelf.collection-name");
            });
    runner
        .withUserConfiguration(EmbeddingAndObservations.class)
        .withPropertyValues("spring.ai.vectorstore.lakeshelf.url=ftp://example.com")
        .run(
            context -> {
              assertThat(context).hasFailed();
              assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("http");
            });
  }
}
