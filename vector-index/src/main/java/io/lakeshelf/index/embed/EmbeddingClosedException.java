package io.lakeshelf.index.embed;

import io.lakeshelf.index.IndexException;

/**
 * An {@link EmbeddingService} (or the model under it) is shut down or closed: it takes no more
 * texts, and the caller's texts that were not embedded yet were dropped. Nothing was embedded for
 * the call; another instance, or this one after a restart, may take it.
 *
 * <p>An {@link IllegalStateException}, as callers of a closed service expect; its reason is {@link
 * io.lakeshelf.index.IndexException.Reason#EMBEDDING_CLOSED}.
 */
public class EmbeddingClosedException extends IllegalStateException {

  public EmbeddingClosedException(String message) {
    super(message);
  }

  public EmbeddingClosedException(String message, Throwable cause) {
    super(message, cause);
  }

  /** Always {@link io.lakeshelf.index.IndexException.Reason#EMBEDDING_CLOSED}. */
  public IndexException.Reason reason() {
    return IndexException.Reason.EMBEDDING_CLOSED;
  }
}
