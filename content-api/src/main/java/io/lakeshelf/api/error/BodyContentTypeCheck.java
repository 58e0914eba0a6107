package io.lakeshelf.api.error;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.core.MethodParameter;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerInterceptor;

/**
 * Refuses, with 400 {@code INVALID_REQUEST}, a request body whose {@code Content-Type} is a
 * wildcard ({@code application/*}, {@code *}{@code /*}): a body has one type. Spring MVC fails on
 * such a type with a bare {@link IllegalArgumentException} while it reads the body; checked here
 * first, the refusal is a client error rather than an unexpected failure. Only handlers that read a
 * body are checked, so a {@code GET} with such a header is answered as before.
 */
public final class BodyContentTypeCheck implements HandlerInterceptor {

  @Override
  public boolean preHandle(
      HttpServletRequest request, HttpServletResponse response, Object handler) {
    String contentType = request.getContentType();
    if (contentType == null || !(handler instanceof HandlerMethod method) || !readsBody(method)) {
      return true;
    }
    MediaType type;
    try {
      type = MediaType.parseMediaType(contentType);
    } catch (InvalidMediaTypeException e) {
      return true; // Spring MVC answers an unparsable type itself (415)
    }
    if (type.isWildcardType()) {
      throw new ApiException(
          ErrorCode.INVALID_REQUEST, "Content-Type cannot contain wildcard type '*'");
    }
    if (type.isWildcardSubtype()) {
      throw new ApiException(
          ErrorCode.INVALID_REQUEST, "Content-Type cannot contain wildcard subtype '*'");
    }
    return true;
  }

  private static boolean readsBody(HandlerMethod method) {
    for (MethodParameter p : method.getMethodParameters()) {
      if (p.hasParameterAnnotation(RequestBody.class)) {
        return true;
      }
    }
    return false;
  }
}
