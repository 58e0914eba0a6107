package io.lakeshelf.api.error;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.http.MediaType;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.json.JsonMapper;

/**
 * Refuses a malformed query string with 400 {@code INVALID_REQUEST} before anything reads a
 * parameter, on every endpoint (those that read no parameter too, so that the same request is
 * refused everywhere). Tomcat decodes the query string when a parameter is first asked for and
 * throws if it cannot; left to a controller, that is a 500. Malformed means: a parameter without a
 * name ({@code ?=}, {@code ?=x}), an escape that is not {@code %} and two hex digits ({@code ?%%%},
 * {@code ?a=%zz}), escapes that are not UTF-8 ({@code ?include=%ff}) or more parameters than the
 * server takes.
 */
public final class QueryStringCheck extends OncePerRequestFilter {

  static final String DETAIL =
      "the query string is malformed: each parameter must be name=value (or name) with a non-empty"
          + " name, percent-encoded as RFC 3986 says (each '%' followed by two hex digits) and"
          + " decoding to UTF-8";

  private final JsonMapper json;

  public QueryStringCheck(JsonMapper json) {
    this.json = json;
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    if (request.getQueryString() != null) {
      try {
        request.getParameterMap();
      } catch (IllegalStateException e) {
        // org.apache.tomcat.util.http.InvalidParameterException: its message quotes the input.
        response.setStatus(ErrorCode.INVALID_REQUEST.status().value());
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        json.writeValue(
            response.getOutputStream(),
            ProblemAdvice.problem(ErrorCode.INVALID_REQUEST, DETAIL, request.getRequestURI()));
        return;
      }
    }
    chain.doFilter(request, response);
  }
}
