package io.lakeshelf.content.table;

import io.lakeshelf.content.ContentException;

/** A write lost to concurrent writers more times than it retries; nothing was committed. */
public final class WriteConflictException extends ContentException {

  public WriteConflictException(String message, Throwable cause) {
    super(Reason.WRITE_CONFLICT, message, cause);
  }
}
