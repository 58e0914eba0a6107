package io.lakeshelf.springai;

/**
 * A request the Lakeshelf service refused or could not answer: its HTTP status and the problem's
 * stable {@code code} (e.g. {@code COLLECTION_NOT_FOUND}, {@code INVALID_FILTER}, {@code
 * DIMENSION_MISMATCH}) and {@code detail}.
 */
public final class LakeshelfApiException extends RuntimeException {

  private final int status;
  private final String code;
  private final String detail;

  /**
   * @param operation what was asked, e.g. {@code POST /v1/collections/docs/search}
   * @param status the HTTP status
   * @param code the problem's code, or null when the answer was not a problem
   * @param detail the problem's detail, or the body's start
   */
  public LakeshelfApiException(String operation, int status, String code, String detail) {
    super(
        operation
            + " answered "
            + status
            + (code == null ? "" : " " + code)
            + (detail == null || detail.isBlank() ? "" : ": " + detail));
    this.status = status;
    this.code = code;
    this.detail = detail;
  }

  /** The HTTP status. */
  public int status() {
    return status;
  }

  /** The problem's code, or null when the answer carried none. */
  public String code() {
    return code;
  }

  /** The problem's detail, or null. */
  public String detail() {
    return detail;
  }
}
