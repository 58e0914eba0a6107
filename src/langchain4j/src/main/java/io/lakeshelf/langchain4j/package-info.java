/**
 * A LangChain4j {@link dev.langchain4j.store.embedding.EmbeddingStore} of {@link
 * dev.langchain4j.data.segment.TextSegment}s kept in a Lakeshelf collection, over Lakeshelf's REST
 * API: {@link io.lakeshelf.langchain4j.LakeshelfEmbeddingStore}. A plain library (the JDK's HTTP
 * client and Jackson 2, which LangChain4j itself uses); the Spring Boot auto-configuration is on
 * the side, in {@code io.lakeshelf.langchain4j.autoconfigure}.
 */
package io.lakeshelf.langchain4j;
