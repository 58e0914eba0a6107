package io.lakeshelf.index.embed;

/**
 * An {@link EmbeddingService} (or the model under it) is shut down or closed: it takes no more
 * texts, and the caller's texts that were not embedded yet were dropped. Nothing was embedded
 * for the call; another instance, or this one after a restart, may take it.
 */
public class EmbeddingClosedException extends IllegalStateException {

  public EmbeddingClosedException(String message) {
    super(message);
  }

  public EmbeddingClosedException(String message, Throwable cause) {
    super(message, cause);
  }
}
