package io.lakeshelf.content.table;

/** No Delta table (no readable {@code _delta_log}) at a location, or not at a version. */
public final class MissingTableException extends RuntimeException {

  public MissingTableException(String message, Throwable cause) {
    super(message, cause);
  }
}
