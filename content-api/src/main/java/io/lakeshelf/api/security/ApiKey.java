package io.lakeshelf.api.security;

import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * One configured API key: a name for logs, the SHA-256 of the key (never the key itself), and its
 * roles. Keys are random tokens of high entropy, so a plain SHA-256 suffices to keep them out of
 * configuration; there is no password to stretch.
 *
 * @param hash {@code sha256:} followed by 64 hex digits, as {@code printf %s "$KEY" | sha256sum}
 *     prints them
 */
public record ApiKey(String name, String hash, Set<Role> roles) {

  private static final String PREFIX = "sha256:";

  public ApiKey {
    Objects.requireNonNull(name, "lakeshelf.security.api-keys[].name");
    Objects.requireNonNull(hash, "lakeshelf.security.api-keys[].hash");
    String hex = hash.toLowerCase(Locale.ROOT);
    if (!hex.startsWith(PREFIX)
        || hex.length() != PREFIX.length() + 64
        || !hex.substring(PREFIX.length())
            .chars()
            .allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
      // ASCII only: Character.digit also takes other scripts' digits, which the digest cannot parse
      throw new IllegalArgumentException(
          "API key '" + name + "': hash must be sha256: followed by 64 hex digits");
    }
    hash = hex;
    if (roles == null || roles.isEmpty()) {
      throw new IllegalArgumentException("API key '" + name + "' needs at least one role");
    }
    roles = Set.copyOf(roles);
  }

  /** The SHA-256 digest the hash names. */
  byte[] digest() {
    return HexFormat.of().parseHex(hash.substring(PREFIX.length()));
  }

  boolean has(Role role) {
    return roles.stream().anyMatch(r -> r.includes(role));
  }
}
