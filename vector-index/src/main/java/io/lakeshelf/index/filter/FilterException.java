package io.lakeshelf.index.filter;

/** A filter that cannot be applied; {@link #code()} is the API's error code. */
public final class FilterException extends IllegalArgumentException {

  /** Why a filter was refused. */
  public enum Code {
    /** The field is unknown or not declared filterable. */
    FIELD_NOT_FILTERABLE,
    /** The filter is malformed: a value of the wrong type, an empty list, too deep. */
    INVALID_FILTER
  }

  private final Code code;

  public FilterException(Code code, String message) {
    super(message);
    this.code = code;
  }

  public Code code() {
    return code;
  }
}
