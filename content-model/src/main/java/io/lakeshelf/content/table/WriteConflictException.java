package io.lakeshelf.content.table;

/** A write lost to concurrent writers more times than it retries; nothing was committed. */
public final class WriteConflictException extends RuntimeException {

  public WriteConflictException(String message, Throwable cause) {
    super(message, cause);
  }
}
