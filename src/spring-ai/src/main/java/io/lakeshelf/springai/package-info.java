/**
 * A Spring AI {@link org.springframework.ai.vectorstore.VectorStore} over Lakeshelf's REST API:
 * {@link io.lakeshelf.springai.LakeshelfVectorStore}, its HTTP client {@link
 * io.lakeshelf.springai.LakeshelfApiClient} and the translation of Spring AI's filter expressions
 * ({@link io.lakeshelf.springai.LakeshelfFilterExpressionConverter}). Plain classes: Spring Boot is
 * needed only by the auto-configuration in {@code io.lakeshelf.springai.autoconfigure}.
 */
package io.lakeshelf.springai;
