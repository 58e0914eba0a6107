package io.lakeshelf.api.security;

import io.lakeshelf.api.error.ErrorCode;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Optional;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.HandlerMapping;
import tools.jackson.databind.json.JsonMapper;

/**
 * The API-key rules once more, on the route the dispatcher chose: {@link AccessRules} applied to
 * the pattern of the matched handler ({@code /v1/collections/{name}/documents/{id}}, {@code
 * /actuator/metrics/{requiredMetricName}}) instead of the request's path. Whatever spelling of a
 * path reached a handler, the handler runs only for a key with the role its own route needs, so the
 * filter's reading of the path and the router's cannot disagree to the caller's advantage.
 * Registered as a {@code MappedInterceptor}, it applies to every handler mapping, actuator's
 * included.
 *
 * <p>{@link ApiKeyFilter} marks the request with the caller's key (every request as an admin when
 * no keys are configured); a request without one holds no role. Only the request dispatch itself is
 * checked: error and async dispatches of an admitted request are not.
 */
public final class RouteAccess implements HandlerInterceptor {

  private final JsonMapper json;

  public RouteAccess(JsonMapper json) {
    this.json = json;
  }

  @Override
  public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler)
      throws Exception {
    if (request.getDispatcherType() != DispatcherType.REQUEST) {
      return true;
    }
    Object pattern = request.getAttribute(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE);
    if (pattern == null) {
      // A handler without a pattern: decide on the path, as the filter did.
      pattern = request.getRequestURI().substring(request.getContextPath().length());
    }
    Optional<Role> required = AccessRules.required(request.getMethod(), pattern.toString());
    if (required.isEmpty() || request.isUserInRole(required.get().name())) {
      return true;
    }
    if (request.getUserPrincipal() == null) {
      ApiKeyFilter.refuse(
          json,
          response,
          request,
          ErrorCode.UNAUTHORIZED,
          "send a valid API key as 'Authorization: Bearer <key>'");
    } else {
      ApiKeyFilter.refuse(
          json,
          response,
          request,
          ErrorCode.FORBIDDEN,
          "this key lacks the '" + required.get().wireName() + "' role");
    }
    return false;
  }
}
