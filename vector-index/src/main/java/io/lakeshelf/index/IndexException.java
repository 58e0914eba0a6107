package io.lakeshelf.index;

import java.util.Objects;

/**
 * A failure of the vector index (or of its embedding and filters) with a stable {@link #reason()}:
 * callers switch on the reason, never on the message. What a caller answers for a reason (an HTTP
 * status, say) is the caller's business.
 *
 * <p>Two exceptions of this library keep the JDK superclass their callers rely on and carry a
 * reason too: {@link io.lakeshelf.index.embed.EmbeddingClosedException} (an {@link
 * IllegalStateException}, {@link Reason#EMBEDDING_CLOSED}) and {@link
 * io.lakeshelf.index.embed.EmbeddingRejectedException} (a {@link
 * java.util.concurrent.RejectedExecutionException}, {@link Reason#EMBEDDING_OVERLOADED}).
 */
public class IndexException extends RuntimeException {

  /** Why the index refused or failed. */
  public enum Reason {
    /**
     * The table cannot be indexed as configured: a missing column, a vector of the wrong length.
     */
    TABLE_UNREADABLE,
    /** A filter names a field that is unknown or not declared filterable. */
    FIELD_NOT_FILTERABLE,
    /** A filter is malformed: a value of the wrong type, an empty list, too deep. */
    INVALID_FILTER,
    /** A query the index cannot run as asked, such as a cosine query vector of zeros. */
    INVALID_QUERY,
    /** An embedding model failed to embed texts, or to load. */
    EMBEDDING_FAILED,
    /** The embedding pool had no room in time; trying again later may succeed. */
    EMBEDDING_OVERLOADED,
    /** Embedding is shut down or its model closed: it takes no more texts. */
    EMBEDDING_CLOSED
  }

  private final Reason reason;

  public IndexException(Reason reason, String message) {
    this(reason, message, null);
  }

  public IndexException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  public Reason reason() {
    return reason;
  }
}
