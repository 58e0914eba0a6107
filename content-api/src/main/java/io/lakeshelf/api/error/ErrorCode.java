package io.lakeshelf.api.error;

import org.springframework.http.HttpStatus;

/**
 * Every error the API answers with: a stable code clients switch on, and its HTTP status. The codes
 * are those of the HTTP contract ({@code src/docs/api-v1.md}).
 */
public enum ErrorCode {
  COLLECTION_NOT_FOUND(HttpStatus.NOT_FOUND),
  DOCUMENT_NOT_FOUND(HttpStatus.NOT_FOUND),
  IMAGE_NOT_FOUND(HttpStatus.NOT_FOUND),
  IMAGE_MISMATCH(HttpStatus.UNPROCESSABLE_CONTENT),
  JOB_NOT_FOUND(HttpStatus.NOT_FOUND),
  NOT_FOUND(HttpStatus.NOT_FOUND),
  METHOD_NOT_ALLOWED(HttpStatus.METHOD_NOT_ALLOWED),
  UNSUPPORTED_MEDIA_TYPE(HttpStatus.UNSUPPORTED_MEDIA_TYPE),
  NOT_ACCEPTABLE(HttpStatus.NOT_ACCEPTABLE),
  INVALID_REQUEST(HttpStatus.BAD_REQUEST),
  DIMENSION_MISMATCH(HttpStatus.BAD_REQUEST),
  FIELD_NOT_FILTERABLE(HttpStatus.BAD_REQUEST),
  INVALID_FILTER(HttpStatus.BAD_REQUEST),
  PAYLOAD_TOO_LARGE(HttpStatus.CONTENT_TOO_LARGE),
  COLLECTION_READ_ONLY(HttpStatus.CONFLICT),
  REINDEX_REQUIRED(HttpStatus.CONFLICT),
  REINDEX_IN_PROGRESS(HttpStatus.CONFLICT),
  WRITE_CONFLICT(HttpStatus.CONFLICT),
  VERSION_NOT_AVAILABLE(HttpStatus.NOT_FOUND),
  /**
   * A search with {@code asOfVersion} of a version larger than time travel builds in memory ({@code
   * lakeshelf.time-travel.max-rows}, {@code max-bytes}). 422, not 413: the request is small and
   * well formed; what it names cannot be served this way.
   */
  VERSION_TOO_LARGE(HttpStatus.UNPROCESSABLE_CONTENT),
  TABLE_UNREADABLE(HttpStatus.UNPROCESSABLE_CONTENT),
  UNAUTHORIZED(HttpStatus.UNAUTHORIZED),
  FORBIDDEN(HttpStatus.FORBIDDEN),
  STORAGE_UNAVAILABLE(HttpStatus.SERVICE_UNAVAILABLE),
  /** The data directory's file system is full: nothing of the request was committed. */
  STORAGE_FULL(HttpStatus.INSUFFICIENT_STORAGE),
  /** Embedding (or another bounded pool) had no room in time; retry later. */
  OVERLOADED(HttpStatus.SERVICE_UNAVAILABLE),
  /**
   * The service is shutting down: nothing of the request was written; send it to another instance
   * or retry later.
   */
  SHUTTING_DOWN(HttpStatus.SERVICE_UNAVAILABLE),
  INTERNAL_ERROR(HttpStatus.INTERNAL_SERVER_ERROR);

  private final HttpStatus status;

  ErrorCode(HttpStatus status) {
    this.status = status;
  }

  public HttpStatus status() {
    return status;
  }

  /**
   * The code of an answer that only has a status (what Tomcat or a servlet answered before any
   * controller ran): the code of that status, else {@code INVALID_REQUEST} for a 4xx and {@code
   * INTERNAL_ERROR} otherwise.
   */
  public static ErrorCode forStatus(int status) {
    return switch (status) {
      case 401 -> UNAUTHORIZED;
      case 403 -> FORBIDDEN;
      case 404 -> NOT_FOUND;
      case 405 -> METHOD_NOT_ALLOWED;
      case 406 -> NOT_ACCEPTABLE;
      case 413 -> PAYLOAD_TOO_LARGE;
      case 415 -> UNSUPPORTED_MEDIA_TYPE;
      default -> status >= 400 && status < 500 ? INVALID_REQUEST : INTERNAL_ERROR;
    };
  }

  /** The problem's {@code type} URI. */
  public String typeUri() {
    return "https://lakeshelf.io/problems/" + name().toLowerCase().replace('_', '-');
  }
}
