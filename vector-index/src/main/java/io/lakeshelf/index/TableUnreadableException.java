package io.lakeshelf.index;

/** The table cannot be indexed as configured: a missing column, a vector of the wrong length. */
public final class TableUnreadableException extends IndexException {

  public TableUnreadableException(String message) {
    super(Reason.TABLE_UNREADABLE, message);
  }
}
