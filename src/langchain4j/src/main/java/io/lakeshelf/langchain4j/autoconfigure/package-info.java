/**
 * Spring Boot auto-configuration of a {@link io.lakeshelf.langchain4j.LakeshelfEmbeddingStore} bean
 * from {@code lakeshelf.langchain4j.*} properties; used only when Spring Boot is on the class path
 * and {@code lakeshelf.langchain4j.base-url} is set.
 */
package io.lakeshelf.langchain4j.autoconfigure;
