package io.lakeshelf.cli.source;

import java.io.IOException;

/** A file that cannot be read as documents: a malformed line, an unsupported column type. */
public final class InputException extends IOException {

  public InputException(String message) {
    super(message);
  }

  public InputException(String message, Throwable cause) {
    super(message, cause);
  }
}
