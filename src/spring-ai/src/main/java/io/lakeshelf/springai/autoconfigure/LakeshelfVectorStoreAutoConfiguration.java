package io.lakeshelf.springai.autoconfigure;

import io.lakeshelf.springai.LakeshelfApiClient;
import io.lakeshelf.springai.LakeshelfVectorStore;
import io.micrometer.observation.ObservationRegistry;
import org.springframework.ai.embedding.BatchingStrategy;
import org.springframework.ai.embedding.EmbeddingModel;
import org.springframework.ai.embedding.TokenCountBatchingStrategy;
import org.springframework.ai.vectorstore.SpringAIVectorStoreTypes;
import org.springframework.ai.vectorstore.observation.VectorStoreObservationConvention;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.web.client.RestClient;

/**
 * Auto-configuration of the {@link LakeshelfVectorStore}, as Spring AI's own vector store
 * auto-configurations do it: active when the classes are present and {@code
 * spring.ai.vectorstore.type} is {@value #TYPE} or unset; the store is created when there is an
 * {@link EmbeddingModel} bean, with the {@link ObservationRegistry}, {@link
 * VectorStoreObservationConvention} and {@link BatchingStrategy} beans if present (a {@link
 * TokenCountBatchingStrategy} otherwise). Settings: {@link LakeshelfVectorStoreProperties}. Each
 * bean backs off when the application defines its own.
 *
 * <p>It runs after Spring AI's embedding model auto-configurations, so that the model they create
 * counts for the condition.
 */
@AutoConfiguration(
    afterName = {
      "org.springframework.ai.model.bedrock.cohere.autoconfigure.BedrockCohereEmbeddingAutoConfiguration",
      "org.springframework.ai.model.bedrock.titan.autoconfigure.BedrockTitanEmbeddingAutoConfiguration",
      "org.springframework.ai.model.google.genai.autoconfigure.embedding.GoogleGenAiTextEmbeddingAutoConfiguration",
      "org.springframework.ai.model.mistralai.autoconfigure.MistralAiEmbeddingAutoConfiguration",
      "org.springframework.ai.model.ollama.autoconfigure.OllamaEmbeddingAutoConfiguration",
      "org.springframework.ai.model.openai.autoconfigure.OpenAiEmbeddingAutoConfiguration",
      "org.springframework.ai.model.postgresml.autoconfigure.PostgresMlEmbeddingAutoConfiguration",
      "org.springframework.ai.model.transformers.autoconfigure.TransformersEmbeddingModelAutoConfiguration",
      "org.springframework.ai.model.vertexai.autoconfigure.embedding.VertexAiMultiModalEmbeddingAutoConfiguration",
      "org.springframework.ai.model.vertexai.autoconfigure.embedding.VertexAiTextEmbeddingAutoConfiguration"
    })
@ConditionalOnClass({LakeshelfVectorStore.class, EmbeddingModel.class, RestClient.class})
@ConditionalOnProperty(
    name = SpringAIVectorStoreTypes.TYPE,
    havingValue = LakeshelfVectorStoreAutoConfiguration.TYPE,
    matchIfMissing = true)
@EnableConfigurationProperties(LakeshelfVectorStoreProperties.class)
public class LakeshelfVectorStoreAutoConfiguration {

  /** The value of {@code spring.ai.vectorstore.type} that selects this store: {@value}. */
  public static final String TYPE = "lakeshelf";

  /** The client of the service the settings name. */
  @Bean
  @ConditionalOnMissingBean
  public LakeshelfApiClient lakeshelfApiClient(LakeshelfVectorStoreProperties properties) {
    return new LakeshelfApiClient(properties.connection());
  }

  /** How documents are grouped into embedding calls, as Spring AI's stores default it. */
  @Bean
  @ConditionalOnMissingBean
  public BatchingStrategy batchingStrategy() {
    return new TokenCountBatchingStrategy();
  }

  /** The store. */
  @Bean
  @ConditionalOnMissingBean
  @ConditionalOnBean(EmbeddingModel.class)
  public LakeshelfVectorStore vectorStore(
      EmbeddingModel embeddingModel,
      LakeshelfVectorStoreProperties properties,
      LakeshelfApiClient client,
      ObjectProvider<ObservationRegistry> observationRegistry,
      ObjectProvider<VectorStoreObservationConvention> customObservationConvention,
      BatchingStrategy batchingStrategy) {
    LakeshelfVectorStore.Builder builder =
        LakeshelfVectorStore.builder(client, embeddingModel)
            .collectionName(properties.collectionName())
            .vectorName(properties.vectorName())
            .similarity(properties.similarity())
            .initializeSchema(properties.initializeSchema())
            .observationRegistry(observationRegistry.getIfUnique(() -> ObservationRegistry.NOOP))
            .customObservationConvention(customObservationConvention.getIfAvailable(() -> null))
            .batchingStrategy(batchingStrategy);
    if (properties.dimensions() != null) {
      builder.dimensions(properties.dimensions());
    }
    return builder.build();
  }
}
