package io.lakeshelf.api.error;

import java.util.List;
import java.util.Objects;

/** A request the API refuses, with the code and detail its problem+json answer carries. */
public class ApiException extends RuntimeException {

  private final ErrorCode code;
  private final List<FieldError> errors;

  public ApiException(ErrorCode code, String detail) {
    this(code, detail, List.of());
  }

  public ApiException(ErrorCode code, String detail, List<FieldError> errors) {
    super(detail);
    this.code = Objects.requireNonNull(code, "code");
    this.errors = List.copyOf(errors);
  }

  public ErrorCode code() {
    return code;
  }

  public List<FieldError> errors() {
    return errors;
  }
}
