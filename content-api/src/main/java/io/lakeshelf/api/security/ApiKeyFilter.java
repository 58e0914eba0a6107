package io.lakeshelf.api.security;

import io.lakeshelf.api.error.ErrorCode;
import io.lakeshelf.api.error.ProblemAdvice;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.security.Principal;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.json.JsonMapper;

/**
 * Checks {@code Authorization: Bearer <key>} against the configured keys: 401 {@code UNAUTHORIZED}
 * without a valid key, 403 {@code FORBIDDEN} for a key without the role the request needs. The
 * request then carries the key's name as its principal and its roles, so that actuator shows health
 * details to admins only. With no keys configured every request passes as an admin.
 *
 * <p>First of all, whatever the keys, a path not in its one canonical spelling ({@link
 * CanonicalPaths}: no {@code ;}, no escape outside the document id, no empty or dot segment) is
 * refused with 400 {@code INVALID_REQUEST}: the role is decided on a path that reads as the
 * dispatcher routes it. {@link RouteAccess} checks the role again on the handler the dispatcher
 * chose.
 */
public final class ApiKeyFilter extends OncePerRequestFilter {

  private static final String BEARER = "Bearer ";

  /** Who every caller is when no keys are configured. */
  private static final ApiKey OPEN =
      new ApiKey("anonymous (no keys configured)", "sha256:" + "0".repeat(64), Set.of(Role.ADMIN));

  private final ApiKeys keys;
  private final JsonMapper json;

  public ApiKeyFilter(ApiKeys keys, JsonMapper json) {
    this.keys = keys;
    this.json = json;
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    String path = request.getRequestURI().substring(request.getContextPath().length());
    Optional<String> notCanonical = CanonicalPaths.problem(path);
    if (notCanonical.isPresent()) {
      refuse(
          response,
          request,
          ErrorCode.INVALID_REQUEST,
          "the request path is not in canonical form: " + notCanonical.get());
      return;
    }
    if (keys.open()) {
      chain.doFilter(new Authenticated(request, OPEN), response);
      return;
    }
    Optional<Role> required = AccessRules.required(request.getMethod(), path);
    Optional<ApiKey> key = presentedKey(request);
    if (key.isEmpty()) {
      if (required.isEmpty()) {
        chain.doFilter(request, response);
        return;
      }
      refuse(
          response,
          request,
          ErrorCode.UNAUTHORIZED,
          "send a valid API key as 'Authorization: Bearer <key>'");
      return;
    }
    if (required.isPresent() && !key.get().has(required.get())) {
      refuse(
          response,
          request,
          ErrorCode.FORBIDDEN,
          "this key lacks the '" + required.get().wireName() + "' role");
      return;
    }
    chain.doFilter(new Authenticated(request, key.get()), response);
  }

  private Optional<ApiKey> presentedKey(HttpServletRequest request) {
    String header = request.getHeader(HttpHeaders.AUTHORIZATION);
    if (header == null || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      return Optional.empty();
    }
    String secret = header.substring(BEARER.length()).trim();
    return secret.isEmpty() ? Optional.empty() : keys.match(secret);
  }

  private void refuse(
      HttpServletResponse response, HttpServletRequest request, ErrorCode code, String detail)
      throws IOException {
    refuse(json, response, request, code, detail);
  }

  /** Answers the request with a problem+json refusal (401 with its {@code WWW-Authenticate}). */
  static void refuse(
      JsonMapper json,
      HttpServletResponse response,
      HttpServletRequest request,
      ErrorCode code,
      String detail)
      throws IOException {
    response.setStatus(code.status().value());
    if (code == ErrorCode.UNAUTHORIZED) {
      response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"lakeshelf\"");
    }
    response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
    json.writeValue(
        response.getOutputStream(), ProblemAdvice.problem(code, detail, request.getRequestURI()));
  }

  /** The request as the key that made it: its name as principal, its roles as servlet roles. */
  private static final class Authenticated extends HttpServletRequestWrapper {
    private final ApiKey key;

    Authenticated(HttpServletRequest request, ApiKey key) {
      super(request);
      this.key = key;
    }

    @Override
    public Principal getUserPrincipal() {
      return key::name;
    }

    @Override
    public String getRemoteUser() {
      return key.name();
    }

    @Override
    public boolean isUserInRole(String role) {
      try {
        return key.has(Role.valueOf(role.toUpperCase(Locale.ROOT)));
      } catch (IllegalArgumentException e) {
        return false;
      }
    }
  }
}
