package io.lakeshelf.api.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Optional;

/** The configured keys, and the lookup of a presented key, in constant time. */
public final class ApiKeys {

  private final List<ApiKey> keys;

  public ApiKeys(List<ApiKey> keys) {
    this.keys = keys == null ? List.of() : List.copyOf(keys);
  }

  /** No keys configured: every request is allowed. */
  public boolean open() {
    return keys.isEmpty();
  }

  public int size() {
    return keys.size();
  }

  /**
   * The key whose hash matches the presented secret. Every configured key is compared, each in
   * constant time, so the answer's timing does not depend on which key (if any) matched.
   */
  public Optional<ApiKey> match(String presented) {
    byte[] digest = sha256(presented);
    ApiKey found = null;
    for (ApiKey key : keys) {
      if (MessageDigest.isEqual(digest, key.digest()) && found == null) {
        found = key;
      }
    }
    return Optional.ofNullable(found);
  }

  static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
