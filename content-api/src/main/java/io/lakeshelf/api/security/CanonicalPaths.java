package io.lakeshelf.api.security;

import java.util.Optional;

/**
 * The one spelling of a path the service answers to, so that the API-key rules read the path
 * exactly as the dispatcher routes it (issue 12). Spring matches a path on its segments
 * percent-decoded and with {@code ;parameters} removed; Tomcat also resolves dot segments and
 * collapses {@code //} for its own mapping. A path with any of those is refused rather than read
 * one way by the rules and another by the router:
 *
 * <ul>
 *   <li>a {@code ;} in any segment ({@code /v1;x/admin/jobs}, {@code /documents;x});
 *   <li>a {@code %} escape in any segment but the document id ({@code /v1/%63ollections}, {@code
 *       /%61ctuator}, {@code /%2E/}, {@code %2F}): no other segment (names, {@code v1}, {@code
 *       admin}, job ids, metric names, image numbers) needs one;
 *   <li>an empty segment ({@code //}, a trailing {@code /});
 *   <li>a {@code .} or {@code ..} segment.
 * </ul>
 *
 * <p>The document id, the segment after {@code /v1/collections/{name}/documents/}, is
 * percent-encoded UTF-8 and may carry any escape ({@code %2E}, {@code %2F}, {@code %5C}, {@code
 * %3B}, {@code %61}); it is decoded by {@code DocumentIds}, never split or resolved. It may not
 * hold a raw {@code ;} either. With those rules every segment but the id reads the same raw and
 * decoded, so a rule on the raw path is a rule on the routed path.
 */
final class CanonicalPaths {

  /** Position of the document id among the segments: v1, collections, {name}, documents, {id}. */
  private static final int ID_SEGMENT = 4;

  private CanonicalPaths() {}

  /** Why the raw path (without the context path) is not canonical; empty if it is. */
  static Optional<String> problem(String path) {
    if (path.equals("/")) {
      return Optional.empty();
    }
    if (!path.startsWith("/")) {
      return Optional.of("the path must start with '/'");
    }
    String[] segments = path.substring(1).split("/", -1);
    boolean documents =
        segments.length > ID_SEGMENT
            && segments[0].equals("v1")
            && segments[1].equals("collections")
            && segments[3].equals("documents");
    for (int i = 0; i < segments.length; i++) {
      String s = segments[i];
      if (s.isEmpty()) {
        return Optional.of(
            i == segments.length - 1
                ? "a trailing '/' is not part of any endpoint"
                : "empty segments ('//') are not allowed");
      }
      if (s.equals(".") || s.equals("..")) {
        return Optional.of("'.' and '..' segments are not allowed");
      }
      if (s.indexOf(';') >= 0) {
        return Optional.of(
            "';' is not allowed in a path (no path parameters); in a document id send it as %3B");
      }
      if (s.indexOf('%') >= 0 && !(documents && i == ID_SEGMENT)) {
        return Optional.of(
            "percent-escapes are allowed only in a document id; send the segment '"
                + s
                + "' unencoded");
      }
    }
    return Optional.empty();
  }
}
