package io.lakeshelf.index.filter;

import io.lakeshelf.index.IndexException;

/** A filter that cannot be applied; {@link #code()} says why (and is the API's error code). */
public final class FilterException extends IndexException {

  /** Why a filter was refused. */
  public enum Code {
    /** The field is unknown or not declared filterable. */
    FIELD_NOT_FILTERABLE,
    /** The filter is malformed: a value of the wrong type, an empty list, too deep. */
    INVALID_FILTER
  }

  private final Code code;

  public FilterException(Code code, String message) {
    super(
        code == Code.FIELD_NOT_FILTERABLE ? Reason.FIELD_NOT_FILTERABLE : Reason.INVALID_FILTER,
        message);
    this.code = code;
  }

  public Code code() {
    return code;
  }
}
