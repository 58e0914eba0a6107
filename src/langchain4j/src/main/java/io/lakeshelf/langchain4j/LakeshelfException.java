package io.lakeshelf.langchain4j;

/**
 * A request Lakeshelf refused or could not answer: its HTTP status and the problem's {@code code}
 * ({@code COLLECTION_NOT_FOUND}, {@code INVALID_FILTER}, ...), or status 0 and code {@code
 * IO_ERROR} when no answer came.
 */
public class LakeshelfException extends RuntimeException {

  private final int status;
  private final String code;

  /**
   * @param status the HTTP status, 0 if there was no answer
   * @param code the problem's code, never null
   * @param message what went wrong, the problem's detail included
   * @param cause what failed underneath, may be null
   */
  public LakeshelfException(int status, String code, String message, Throwable cause) {
    super(message, cause);
    this.status = status;
    this.code = code == null ? "UNKNOWN" : code;
  }

  /** The HTTP status of the answer, 0 if there was none. */
  public int status() {
    return status;
  }

  /** The problem's {@code code}, such as {@code COLLECTION_NOT_FOUND}. */
  public String code() {
    return code;
  }
}
