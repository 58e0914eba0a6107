package io.lakeshelf.index.embed;

import io.lakeshelf.index.IndexException;

/** An embedding model failed to embed texts (or to load). */
public class EmbeddingException extends IndexException {

  public EmbeddingException(String message) {
    super(Reason.EMBEDDING_FAILED, message);
  }

  public EmbeddingException(String message, Throwable cause) {
    super(Reason.EMBEDDING_FAILED, message, cause);
  }
}
