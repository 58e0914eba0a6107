package io.lakeshelf.content;

import java.util.Objects;

/**
 * A failure of the content model with a stable {@link #reason()}: callers (such as a service
 * answering over HTTP) switch on the reason, never on the message or the subclass. The reasons say
 * what went wrong in the model's terms; what status a caller answers is the caller's business.
 */
public class ContentException extends RuntimeException {

  /** Why the content model refused or failed. */
  public enum Reason {
    /** No Delta table (no readable {@code _delta_log}) at a location, or not at a version. */
    MISSING_TABLE,
    /**
     * A table lacks a column it is read for, holds it with the wrong type, or has no usable schema.
     */
    SCHEMA_MISMATCH,
    /** A write lost to concurrent writers more times than it retries; nothing was committed. */
    WRITE_CONFLICT,
    /** A vector's length differs from its named vector's dimensions. */
    DIMENSION_MISMATCH,
    /**
     * A vector of the right length that its named vector cannot take: non-finite, all zeros for
     * cosine, too long for dot.
     */
    INVALID_VECTOR
  }

  private final Reason reason;

  public ContentException(Reason reason, String message) {
    this(reason, message, null);
  }

  public ContentException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  public Reason reason() {
    return reason;
  }
}
