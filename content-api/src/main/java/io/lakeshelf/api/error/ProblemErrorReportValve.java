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
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Tomcat's error report, as problem+json with a code: what Tomcat answers itself, before any
 * servlet runs, such as a request path with a malformed percent-escape ({@code %zz}, a lone {@code
 * %}) or escapes that are not UTF-8, a request line and headers over the size limit, a malformed
 * header. Tomcat's 501 for {@code CONNECT} becomes 405 {@code METHOD_NOT_ALLOWED} and its 505 for a
 * version other than HTTP/1.x 400 {@code INVALID_REQUEST}: input never answers a 5xx. Answers that
 * Spring (or {@link ProblemErrorController}) already wrote are left alone.
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
    String detail = detailFor(status);
    if (status == 501) {
      // Tomcat refuses CONNECT (and methods no servlet implements) with 501: a method this
      // service does not allow, not a failure of the service.
      status = 405;
      detail = "the method is not allowed here";
      response.setStatus(status);
      response.setHeader("Allow", "GET, HEAD, POST, PUT, DELETE, OPTIONS");
    } else if (status == 505) {
      // A request line whose version is not HTTP/1.0 or HTTP/1.1: a malformed request.
      status = 400;
      detail = "the request line must end in HTTP/1.1 or HTTP/1.0";
      response.setStatus(status);
    }
    ErrorCode code = ErrorCode.forStatus(status);
    Map<String, Object> problem = new LinkedHashMap<>();
    problem.put("type", code.typeUri());
    HttpStatus known = HttpStatus.resolve(status);
    problem.put("title", known == null ? "Error" : known.getReasonPhrase());
    problem.put("status", status);
    problem.put("detail", detail);
    problem.put("code", code.name());
    try {
      response.setContentType("application/problem+json");
      response.setCharacterEncoding("UTF-8");
      Writer writer = response.getReporter();
      if (writer != null) {
        writer.write(json.writeValueAsString(problem));
        response.finishResponse();
      }
    } catch (IOException | IllegalStateException | JacksonException e) {
      // The client is gone or the response cannot be written: nothing more to do.
    }
  }

  static String detailFor(int status) {
    if (status == 400) {
      return "the request is malformed: a request line and headers over the server's limit (8 KB),"
          + " a header that is not valid, or a path that is not percent-encoded as RFC 3986"
          + " says (each '%' followed by two hex digits, escapes that decode to UTF-8, no"
          + " NUL)";
    }
    return status < 500 ? "the request was refused" : "the request failed unexpectedly";
  }
}
