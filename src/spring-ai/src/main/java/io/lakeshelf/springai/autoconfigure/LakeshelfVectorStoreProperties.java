package io.lakeshelf.springai.autoconfigure;

import io.lakeshelf.springai.LakeshelfApiClient;
import io.lakeshelf.springai.LakeshelfConnection;
import io.lakeshelf.springai.LakeshelfSimilarity;
import io.lakeshelf.springai.LakeshelfVectorStore;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The settings of the Lakeshelf vector store, under {@value #CONFIG_PREFIX}.
 *
 * @param url the service's root URL
 * @param apiKey the key sent as a bearer token; unset for a service with no keys
 * @param collectionName the collection the store reads and writes
 * @param vectorName the collection's named vector
 * @param dimensions the vectors' length; unset: the embedding model's
 * @param similarity the similarity a collection is created with: cosine, dot or l2
 * @param initializeSchema whether to create the collection at start when it is missing
 * @param connectTimeout the longest a connection may take to open
 * @param readTimeout the longest the service may take to answer
 */
@ConfigurationProperties(LakeshelfVectorStoreProperties.CONFIG_PREFIX)
public record LakeshelfVectorStoreProperties(
    @DefaultValue("http://localhost:8080") URI url,
    String apiKey,
    @DefaultValue(LakeshelfVectorStore.DEFAULT_COLLECTION_NAME) String collectionName,
    @DefaultValue(LakeshelfVectorStore.DEFAULT_VECTOR_NAME) String vectorName,
    Integer dimensions,
    @DefaultValue("cosine") LakeshelfSimilarity similarity,
    @DefaultValue("false") boolean initializeSchema,
    @DefaultValue("5s") Duration connectTimeout,
    @DefaultValue("60s") Duration readTimeout) {

  /** The prefix of these settings: {@value}. */
  public static final String CONFIG_PREFIX = "spring.ai.vectorstore.lakeshelf";

  public LakeshelfVectorStoreProperties {
    Objects.requireNonNull(url, CONFIG_PREFIX + ".url");
    Objects.requireNonNull(collectionName, CONFIG_PREFIX + ".collection-name");
    Objects.requireNonNull(vectorName, CONFIG_PREFIX + ".vector-name");
    Objects.requireNonNull(similarity, CONFIG_PREFIX + ".similarity");
    Objects.requireNonNull(connectTimeout, CONFIG_PREFIX + ".connect-timeout");
    Objects.requireNonNull(readTimeout, CONFIG_PREFIX + ".read-timeout");
    if (!LakeshelfApiClient.COLLECTION_NAME.matcher(collectionName).matches()) {
      throw new IllegalArgumentException(
          CONFIG_PREFIX
              + ".collection-name '"
              + collectionName
              + "' is not a collection name: use "
              + LakeshelfApiClient.COLLECTION_NAME.pattern());
    }
    if (vectorName.isBlank()) {
      throw new IllegalArgumentException(CONFIG_PREFIX + ".vector-name must not be blank");
    }
    if (dimensions != null && dimensions < 1) {
      throw new IllegalArgumentException(
          CONFIG_PREFIX + ".dimensions must be positive: " + dimensions);
    }
    // Checks the URL, key and timeouts.
    new LakeshelfConnection(url, apiKey, connectTimeout, readTimeout);
  }

  /** The connection these settings describe. */
  public LakeshelfConnection connection() {
    return new LakeshelfConnection(url, apiKey, connectTimeout, readTimeout);
  }

  /** Leaves the key out, so that it does not end up in logs. */
  @Override
  public String toString() {
    return "LakeshelfVectorStoreProperties[connection="
        + connection()
        + ", collectionName="
        + collectionName
        + ", vectorName="
        + vectorName
        + ", dimensions="
        + dimensions
        + ", similarity="
        + similarity
        + ", initializeSchema="
        + initializeSchema
        + "]";
  }
}
