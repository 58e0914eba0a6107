/**
 * Spring Boot auto-configuration of the Lakeshelf vector store ({@link
 * io.lakeshelf.springai.autoconfigure.LakeshelfVectorStoreAutoConfiguration}) and its settings
 * under {@code spring.ai.vectorstore.lakeshelf} ({@link
 * io.lakeshelf.springai.autoconfigure.LakeshelfVectorStoreProperties}).
 */
package io.lakeshelf.springai.autoconfigure;
