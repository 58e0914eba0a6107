package io.lakeshelf.api.security;

import java.util.Optional;

/**
 * The role a request needs, from its method and path. Empty means no key is needed ({@code
 * /actuator/health}, whose details are shown to admins only).
 *
 * <pre>
 * /actuator/health/**                          none (details: admin)
 * /v3/api-docs/**, /swagger-ui/**              none (the API's description)
 * GET and HEAD of /, /console/**               none (the console's page; its calls need roles)
 * /actuator/prometheus, /actuator/metrics/**   metrics (admin includes it)
 * /actuator/**                                 admin
 * /v1/admin/**                                 admin
 * /v1/collections/{name}, but GET and HEAD     admin (PUT, DELETE)
 * /v1/collections/{name}/documents/**, but GET and HEAD   write (POST, DELETE)
 * POST /v1/collections/{name}/search, any GET  read
 * anything else                                read (unknown paths still answer 404 to a reader)
 * </pre>
 *
 * <p>The path is canonical ({@link CanonicalPaths}), so it reads as the dispatcher routes it. The
 * same rules hold for a handler's pattern ({@code /v1/collections/{name}/documents/{id}}), which
 * {@link RouteAccess} checks once the dispatcher has chosen the handler. The open endpoints match
 * only as spelled above; every other rule matches the path in any case, so that a spelling in other
 * case needs at least the role of the lower-case one (routes are case-sensitive and answer 404 to
 * it). Methods match exactly: a method other than GET or HEAD on a collection or on its documents
 * needs the higher role whatever the router makes of it.
 */
final class AccessRules {

  private AccessRules() {}

  static Optional<Role> required(String method, String path) {
    if (path.equals("/actuator/health") || path.startsWith("/actuator/health/")) {
      return Optional.empty();
    }
    if (path.startsWith("/v3/api-docs") || path.startsWith("/swagger-ui")) {
      return Optional.empty();
    }
    boolean reads = method.equals("GET") || method.equals("HEAD");
    if (reads && (path.equals("/") || path.startsWith("/console/"))) {
      return Optional.empty();
    }
    String p = asciiLowerCase(path);
    if (p.equals("/actuator/prometheus")
        || p.equals("/actuator/metrics")
        || p.startsWith("/actuator/metrics/")) {
      return Optional.of(Role.METRICS);
    }
    if (p.startsWith("/actuator")) {
      return Optional.of(Role.ADMIN);
    }
    if (p.startsWith("/v1/admin")) {
      return Optional.of(Role.ADMIN);
    }
    String[] parts = p.split("/");
    // "", "v1", "collections", name, ...
    boolean collections =
        parts.length >= 3 && parts[1].equals("v1") && parts[2].equals("collections");
    if (collections && parts.length == 4 && !reads) {
      return Optional.of(Role.ADMIN);
    }
    if (collections && parts.length >= 5 && parts[4].equals("documents") && !reads) {
      return Optional.of(Role.WRITE);
    }
    return Optional.of(Role.READ);
  }

  private static String asciiLowerCase(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      b.append(c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c);
    }
    return b.toString();
  }
}
