package io.lakeshelf.cli;

/**
 * Why a command stops: its exit code, a stable code word and a one-line message, printed as {@code
 * lakeshelf-cli: error: CODE: message}.
 */
final class Failure extends Exception {

  /** Exit codes a script can rely on. */
  static final int OK = 0;

  /** The service refused the request (a 4xx answer): its problem's code and detail are printed. */
  static final int REFUSED = 1;

  /** Wrong arguments, or an input file that cannot be read as documents. */
  static final int USAGE = 2;

  /**
   * The service was unreachable, timed out or failed (5xx) after the retries; an ingest can be
   * resumed by running it again.
   */
  static final int UNAVAILABLE = 3;

  /** A job the command waited for failed or was cancelled. */
  static final int JOB_FAILED = 4;

  private final int exitCode;
  private final String code;

  Failure(int exitCode, String code, String message) {
    super(message);
    this.exitCode = exitCode;
    this.code = code;
  }

  static Failure usage(String message) {
    return new Failure(USAGE, "USAGE", message);
  }

  int exitCode() {
    return exitCode;
  }

  String code() {
    return code;
  }
}
