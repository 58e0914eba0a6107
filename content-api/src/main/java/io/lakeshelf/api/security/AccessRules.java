package io.lakeshelf.api.security;

import java.util.Optional;

/**
 * The role a request needs, from its method and path. Empty means no key is needed
 * ({@code /actuator/health}, whose details are shown to admins only).
 *
 * <pre>
 * /actuator/health/**                          none (details: admin)
 * /v3/api-docs/**, /swagger-ui/**              none (the API's description)
 * /actuator/**                                 admin
 * /v1/admin/**                                 admin
 * PUT, DELETE /v1/collections/{name}           admin
 * POST, PUT, DELETE /v1/collections/{name}/documents/**   write
 * POST /v1/collections/{name}/search, any GET  read
 * anything else under /v1                      read (unknown paths still answer 404 to a reader)
 * </pre>
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
    if (path.startsWith("/actuator")) {
      return Optional.of(Role.ADMIN);
    }
    if (path.startsWith("/v1/admin/") || path.equals("/v1/admin")) {
      return Optional.of(Role.ADMIN);
    }
    String[] parts = path.split("/");
    // "", "v1", "collections", name, ...
    boolean collections = parts.length >= 3 && parts[1].equals("v1") && parts[2].equals("collections");
    if (collections && parts.length == 4 && (method.equals("PUT") || method.equals("DELETE"))) {
      return Optional.of(Role.ADMIN);
    }
    if (collections && parts.length >= 5 && parts[4].equals("documents") && !method.equals("GET")) {
      return Optional.of(Role.WRITE);
    }
    return Optional.of(Role.READ);
  }
}
