package io.lakeshelf.index.embed;

/** An embedding model failed to embed texts (or to load). */
public class EmbeddingException extends RuntimeException {

  public EmbeddingException(String message) {
    super(message);
  }

  public EmbeddingException(String message, Throwable cause) {
    super(message, cause);
  }
}
