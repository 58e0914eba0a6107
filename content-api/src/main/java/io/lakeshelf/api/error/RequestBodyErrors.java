package io.lakeshelf.api.error;

import org.springframework.http.converter.HttpMessageNotReadableException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DatabindException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;

/** Short, safe descriptions of why a request body could not be read: no parser internals. */
final class RequestBodyErrors {

  private RequestBodyErrors() {}

  static String describe(HttpMessageNotReadableException e) {
    Throwable cause = e.getCause();
    if (cause instanceof UnrecognizedPropertyException unknown) {
      return "unknown field '" + unknown.getPropertyName() + "'" + at(unknown);
    }
    if (cause instanceof DatabindException bind) {
      return "a value has the wrong type or is out of range" + at(bind);
    }
    if (cause instanceof JacksonException) {
      return "the body is not valid JSON (numbers must be finite; NaN and Infinity are not JSON)";
    }
    return "the body is missing or unreadable";
  }

  private static String at(DatabindException e) {
    StringBuilder path = new StringBuilder();
    for (JacksonException.Reference ref : e.getPath()) {
      if (ref.getPropertyName() != null) {
        if (!path.isEmpty()) {
          path.append('.');
        }
        path.append(ref.getPropertyName());
      } else if (ref.getIndex() >= 0) {
        path.append('[').append(ref.getIndex()).append(']');
      }
    }
    return path.isEmpty() ? "" : " at '" + path + "'";
  }
}
