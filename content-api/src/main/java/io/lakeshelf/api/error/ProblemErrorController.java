package io.lakeshelf.api.error;

import io.swagger.v3.oas.annotations.Hidden;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The {@code /error} page as problem+json with a code, in place of Spring Boot's {@code
 * BasicErrorController} (whose JSON has no code, and which answers a direct {@code GET /error} with
 * 500 and status 999). Tomcat forwards here what a servlet answered with {@code sendError} (a
 * {@code TRACE}: 405) and what failed outside Spring MVC (a filter that threw: 500, logged). A
 * request for {@code /error} itself is not an endpoint: 404 {@code NOT_FOUND}.
 */
@RestController
@Hidden
public class ProblemErrorController implements ErrorController {

  private static final Logger log = LoggerFactory.getLogger(ProblemErrorController.class);

  @RequestMapping(path = "${server.error.path:${error.path:/error}}")
  public ResponseEntity<ProblemDetail> error(HttpServletRequest request) {
    Object status = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
    Object uri = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
    String path = uri instanceof String s ? s : null;
    if (!(status instanceof Integer code)) {
      return answer(ErrorCode.NOT_FOUND, 404, "no such endpoint", request.getRequestURI());
    }
    Throwable failure = (Throwable) request.getAttribute(RequestDispatcher.ERROR_EXCEPTION);
    if (code == 501) {
      // HttpServlet answers a method it does not implement with 501: a method not allowed here.
      return answer(
          ErrorCode.METHOD_NOT_ALLOWED,
          405,
          "the method " + request.getMethod() + " is not allowed here",
          path);
    }
    if (code >= 500) {
      if (failure != null) {
        log.error("Unexpected failure answering {} {}", request.getMethod(), path, failure);
      }
      return answer(
          ErrorCode.INTERNAL_ERROR,
          code,
          "the request failed unexpectedly; the server log has the details",
          path);
    }
    ErrorCode errorCode = ErrorCode.forStatus(code);
    String detail =
        switch (errorCode) {
          case METHOD_NOT_ALLOWED -> "the method " + request.getMethod() + " is not allowed here";
          case NOT_FOUND -> "no such endpoint";
          default -> ProblemErrorReportValve.detailFor(code);
        };
    return answer(errorCode, code, detail, path);
  }

  private static ResponseEntity<ProblemDetail> answer(
      ErrorCode code, int status, String detail, String path) {
    ProblemDetail p = ProblemAdvice.problem(code, detail, path);
    p.setStatus(status);
    HttpStatus known = HttpStatus.resolve(status);
    p.setTitle(known == null ? "Error" : known.getReasonPhrase());
    return ResponseEntity.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(p);
  }
}
