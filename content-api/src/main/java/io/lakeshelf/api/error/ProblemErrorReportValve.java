package io.lakeshelf.api.error;

import java.io.IOException;
import java.io.Writer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.apache.coyote.ActionCode;
import org.springframework.http.HttpStatus;
import tools.jackson.databind.json.JsonMapper;

/**
 * Tomcat's error report, as problem+json with a code: what Tomcat answers itself, before any
 * servlet runs, such as a request path with a malformed percent-escape ({@code %zz}, a lone
 * {@code %}) or escapes that are not UTF-8. Answers that Spring already wrote are left alone.
 */
public class ProblemErrorReportValve extends ErrorReportValve {

  private final JsonMapper json;

  public ProblemErrorReportValve(JsonMapper json) {
    this.json = json;
    setShowReport(false);
    setShowServerInfo(false);
  }

  @Override
  protected void report(Request request, Response response, Throwable throwable) {
    int status = response.getStatus();
    if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
      return;
    }
    AtomicBoolean ioAllowed = new AtomicBoolean(false);
    response.getCoyoteResponse().action(ActionCode.IS_IO_ALLOWED, ioAllowed);
    if (!ioAllowed.get()) {
      return;
    }
    ErrorCode code = codeFor(status);
    Map<String, Object> problem = new LinkedHashMap<>();
    problem.put("type", code.typeUri());
    HttpStatus known = HttpStatus.resolve(status);
    problem.put("title", known == null ? "Error" : known.getReasonPhrase());
    problem.put("status", status);
    problem.put("detail", detailFor(status));
    problem.put("code", code.name());
    try {
      response.setContentType("application/problem+json");
      response.setCharacterEncoding("UTF-8");
      Writer writer = response.getReporter();
      if (writer != null) {
        writer.write(json.writeValueAsString(problem));
        response.finishResponse();
      }
    } catch (IOException | IllegalStateException | tools.jackson.core.JacksonException e) {
      // The client is gone or the response cannot be written: nothing more to do.
    }
  }

  private static ErrorCode codeFor(int status) {
    return switch (status) {
      case 401 -> ErrorCode.UNAUTHORIZED;
      case 403 -> ErrorCode.FORBIDDEN;
      case 404 -> ErrorCode.NOT_FOUND;
      case 405 -> ErrorCode.METHOD_NOT_ALLOWED;
      case 406 -> ErrorCode.NOT_ACCEPTABLE;
      case 413 -> ErrorCode.PAYLOAD_TOO_LARGE;
      case 415 -> ErrorCode.UNSUPPORTED_MEDIA_TYPE;
      default -> status < 500 ? ErrorCode.INVALID_REQUEST : ErrorCode.INTERNAL_ERROR;
    };
  }

  private static String detailFor(int status) {
    if (status == 400) {
      return "the request is malformed: a path must be percent-encoded as RFC 3986 says, each '%'"
          + " followed by two hex digits, and its escapes must decode to UTF-8 (NUL is refused)";
    }
    return status < 500 ? "the request was refused" : "the request failed unexpectedly";
  }
}
