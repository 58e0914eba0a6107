package io.lakeshelf.langchain4j.autoconfigure;

import io.lakeshelf.langchain4j.LakeshelfSimilarity;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The settings of the auto-configured {@link io.lakeshelf.langchain4j.LakeshelfEmbeddingStore},
 * {@code lakeshelf.langchain4j.*}.
 *
 * @param baseUrl where Lakeshelf answers, such as {@code http://localhost:8080}
 * @param apiKey the API key (sent as a bearer token); none for an open server
 * @param collectionName the collection, {@code [a-z0-9][a-z0-9_-]{0,62}}
 * @param vectorName the collection's named vector; by default its only one ({@code body} when
 *     created)
 * @param dimensions the embeddings' dimensions: needed to create the collection, checked if it
 *     exists
 * @param similarity how a created collection's vector scores
 * @param createIfMissing whether to create the collection when it does not exist
 * @param connectTimeout how long to wait for a connection
 * @param requestTimeout how long to wait for an answer
 * @param batchSize most documents (or ids) sent in one write or delete
 */
@ConfigurationProperties("lakeshelf.langchain4j")
public record LakeshelfEmbeddingStoreProperties(
    String baseUrl,
    String apiKey,
    String collectionName,
    String vectorName,
    Integer dimensions,
    @DefaultValue("cosine") LakeshelfSimilarity similarity,
    @DefaultValue("true") boolean createIfMissing,
    @DefaultValue("10s") Duration connectTimeout,
    @DefaultValue("3m") Duration requestTimeout,
    @DefaultValue("1000") int batchSize) {

  /** Checks what can be checked without Lakeshelf. */
  public LakeshelfEmbeddingStoreProperties {
    if (baseUrl == null || baseUrl.isBlank()) {
      throw new IllegalArgumentException("lakeshelf.langchain4j.base-url is required");
    }
    if (collectionName == null || collectionName.isBlank()) {
      throw new IllegalArgumentException("lakeshelf.langchain4j.collection-name is required");
    }
    if (dimensions != null && dimensions < 1) {
      throw new IllegalArgumentException(
          "lakeshelf.langchain4j.dimensions must be positive: " + dimensions);
    }
    if (batchSize < 1) {
      throw new IllegalArgumentException(
          "lakeshelf.langchain4j.batch-size must be positive: " + batchSize);
    }
  }
}
