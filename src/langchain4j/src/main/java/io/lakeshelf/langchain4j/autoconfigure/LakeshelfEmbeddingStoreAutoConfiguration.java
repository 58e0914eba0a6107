package io.lakeshelf.langchain4j.autoconfigure;

import dev.langchain4j.store.embedding.EmbeddingStore;
import io.lakeshelf.langchain4j.LakeshelfEmbeddingStore;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * A {@link LakeshelfEmbeddingStore} bean when {@code lakeshelf.langchain4j.base-url} is set and the
 * application defines no {@link EmbeddingStore} of its own. The store reads (or creates) its
 * collection when the bean is created and closes its HTTP client with the context.
 */
@AutoConfiguration
@ConditionalOnClass(EmbeddingStore.class)
@ConditionalOnProperty(prefix = "lakeshelf.langchain4j", name = "base-url")
@EnableConfigurationProperties(LakeshelfEmbeddingStoreProperties.class)
public class LakeshelfEmbeddingStoreAutoConfiguration {

  /** The store, from {@code lakeshelf.langchain4j.*}. */
  @Bean
  @ConditionalOnMissingBean(EmbeddingStore.class)
  public LakeshelfEmbeddingStore lakeshelfEmbeddingStore(LakeshelfEmbeddingStoreProperties p) {
    return LakeshelfEmbeddingStore.builder()
        .baseUrl(p.baseUrl())
        .apiKey(p.apiKey())
        .collectionName(p.collectionName())
        .vectorName(p.vectorName())
        .dimensions(p.dimensions())
        .similarity(p.similarity())
        .createIfMissing(p.createIfMissing())
        .connectTimeout(p.connectTimeout())
        .requestTimeout(p.requestTimeout())
        .batchSize(p.batchSize())
        .build();
  }
}
