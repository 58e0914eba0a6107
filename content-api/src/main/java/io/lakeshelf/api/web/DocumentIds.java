package io.lakeshelf.api.web;

import io.lakeshelf.api.error.ApiException;
import io.lakeshelf.api.error.ErrorCode;
import jakarta.servlet.http.HttpServletRequest;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.springframework.http.server.PathContainer;
import org.springframework.http.server.RequestPath;
import org.springframework.web.util.ServletRequestPathUtils;

/**
 * The document id of {@code /v1/collections/{name}/documents/{id}[/...]}, decoded from the raw
 * request path rather than taken from the path variable: Spring drops {@code ;parameters} from a
 * segment before matching ({@code a;v=2} would read document {@code a}) and decodes leniently
 * (invalid UTF-8 turns into U+FFFD).
 *
 * <p>The rule: the id segment is the id's UTF-8 bytes, percent-encoded as RFC 3986 says. Every
 * character outside {@code A-Z a-z 0-9 - . _ ~ ! $ & ' ( ) * + , = : @} must be sent as {@code %XX}
 * (upper or lower case hex): {@code /}, {@code \}, {@code %}, {@code ?}, {@code #}, space,
 * non-ASCII, and {@code ;}. A raw {@code ;} in the segment is refused rather than read as
 * parameters or taken literally, so {@code a;v=2} never reaches document {@code a}. {@code +} is a
 * plus, never a space. The ids {@code .} and {@code ..} must be sent as {@code %2E} and {@code
 * %2E%2E} (clients remove raw dot segments). A malformed escape or bytes that are not UTF-8 answer
 * 400 {@code INVALID_REQUEST}.
 */
final class DocumentIds {

  /** Position of the id among the path's segments: v1, collections, {name}, documents, {id}. */
  private static final int ID_SEGMENT = 4;

  private DocumentIds() {}

  /** The id the request's path addresses; 400 {@code INVALID_REQUEST} if it is malformed. */
  static String fromPath(HttpServletRequest request) {
    RequestPath path =
        ServletRequestPathUtils.hasParsedRequestPath(request)
            ? ServletRequestPathUtils.getParsedRequestPath(request)
            : RequestPath.parse(request.getRequestURI(), request.getContextPath());
    List<PathContainer.PathSegment> segments =
        path.pathWithinApplication().elements().stream()
            .filter(PathContainer.PathSegment.class::isInstance)
            .map(PathContainer.PathSegment.class::cast)
            .toList();
    if (segments.size() <= ID_SEGMENT) {
      throw new IllegalStateException("not a document path: " + request.getRequestURI());
    }
    return decode(segments.get(ID_SEGMENT).value());
  }

  /** Decodes one raw path segment as the rule above says. */
  static String decode(String raw) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c == '%') {
        int hi = i + 1 < raw.length() ? Character.digit(raw.charAt(i + 1), 16) : -1;
        int lo = i + 2 < raw.length() ? Character.digit(raw.charAt(i + 2), 16) : -1;
        if (hi < 0 || lo < 0) {
          throw invalid("'%' must start an escape of two hex digits, as in %25");
        }
        bytes.write(hi << 4 | lo);
        i += 2;
      } else if (c == ';') {
        throw invalid("a ';' in a document id must be percent-encoded, as %3B");
      } else if (c <= 0x20 || c >= 0x7f) {
        throw invalid(
            "control characters, spaces and non-ASCII characters in a document id must be "
                + "percent-encoded as UTF-8");
      } else {
        bytes.write(c);
      }
    }
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes.toByteArray()))
          .toString();
    } catch (CharacterCodingException e) {
      throw invalid("the percent-encoded bytes of a document id must be UTF-8");
    }
  }

  private static ApiException invalid(String why) {
    return new ApiException(
        ErrorCode.INVALID_REQUEST,
        "the document id in the path is malformed: "
            + why
            + " (percent-encode ids as RFC 3986 says)");
  }
}
