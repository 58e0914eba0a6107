package io.lakeshelf.cli.client;

import tools.jackson.databind.JsonNode;

/**
 * A call that did not succeed: the service refused it (a 4xx answer: its problem's {@code code} and
 * {@code detail}), or it could not be served (unreachable, timed out, or a 5xx answer) even after
 * the retries.
 */
public final class ServiceException extends Exception {

  /** Whether repeating the call could succeed. */
  public enum Kind {
    /** The service answered 4xx: the request itself is wrong for it. */
    REFUSED,
    /** Unreachable, timed out or failing (5xx) after every attempt. */
    UNAVAILABLE
  }

  private final Kind kind;
  private final int status;
  private final String code;
  private final JsonNode problem;

  ServiceException(Kind kind, int status, String code, String message, JsonNode problem) {
    super(message);
    this.kind = kind;
    this.status = status;
    this.code = code;
    this.problem = problem;
  }

  public Kind kind() {
    return kind;
  }

  /** The HTTP status, or 0 when there was no answer. */
  public int status() {
    return status;
  }

  /**
   * The problem's {@code code} (such as {@code COLLECTION_NOT_FOUND}), or {@code UNREACHABLE},
   * {@code TIMEOUT}, {@code HTTP_<status>} when there was no problem body.
   */
  public String code() {
    return code;
  }

  /** The problem+json body, or null. */
  public JsonNode problem() {
    return problem;
  }
}
