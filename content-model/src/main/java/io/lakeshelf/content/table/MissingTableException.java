package io.lakeshelf.content.table;

import io.lakeshelf.content.ContentException;

/** No Delta table (no readable {@code _delta_log}) at a location, or not at a version. */
public final class MissingTableException extends ContentException {

  public MissingTableException(String message, Throwable cause) {
    super(Reason.MISSING_TABLE, message, cause);
  }
}
