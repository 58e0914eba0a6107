package io.lakeshelf.api.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ApiKeyTest {

  private static String hashOf(String secret) throws Exception {
    return "sha256:"
        + HexFormat.of()
            .formatHex(
                MessageDigest.getInstance("SHA-256")
                    .digest(secret.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void hashIsNormalizedToLowerCase() throws Exception {
    String hash = hashOf("s3cret");
    ApiKey key = new ApiKey("ci", hash.toUpperCase(), Set.of(Role.READ));
    assertThat(key.hash()).isEqualTo(hash);
    assertThat(new ApiKeys(List.of(key)).match("s3cret")).contains(key);
  }

  @Test
  void hashMustBeSha256PrefixAnd64HexDigits() throws Exception {
    String hex = hashOf("x").substring("sha256:".length());
    assertThatThrownBy(() -> new ApiKey("k", hex, Set.of(Role.READ)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("API key 'k'");
    assertThatThrownBy(() -> new ApiKey("k", "sha256:" + hex.substring(1), Set.of(Role.READ)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ApiKey("k", "sha256:" + hex + "0", Set.of(Role.READ)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ApiKey("k", "sha256:" + "g" + hex.substring(1), Set.of(Role.READ)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ApiKey("k", "md5:" + hex, Set.of(Role.READ)))
        .isInstanceOf(IllegalArgumentException.class);
    // Non-ASCII digits: Character.digit accepts them in some scripts, so check a fullwidth one is
    // refused.
    assertThatThrownBy(
            () -> new ApiKey("k", "sha256:" + "\uFF10" + hex.substring(1), Set.of(Role.READ)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aKeyNeedsNameHashAndARole() throws Exception {
    String hash = hashOf("x");
    assertThatThrownBy(() -> new ApiKey(null, hash, Set.of(Role.READ)))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> new ApiKey("k", null, Set.of(Role.READ)))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> new ApiKey("k", hash, Set.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("API key 'k' needs at least one role");
    assertThatThrownBy(() -> new ApiKey("k", hash, null))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void rolesAreOrderedAndCopied() throws Exception {
    java.util.Set<Role> roles = new java.util.HashSet<>(Set.of(Role.WRITE));
    ApiKey key = new ApiKey("w", hashOf("w"), roles);
    roles.add(Role.ADMIN);
    assertThat(key.roles()).containsExactly(Role.WRITE);
    assertThat(key.has(Role.READ)).isTrue();
    assertThat(key.has(Role.WRITE)).isTrue();
    assertThat(key.has(Role.ADMIN)).isFalse();
  }

  @Test
  void matchFindsTheKeyOfTheSecretOnly() throws Exception {
    ApiKey reader = new ApiKey("reader", hashOf("r"), Set.of(Role.READ));
    ApiKey admin = new ApiKey("admin", hashOf("a"), Set.of(Role.ADMIN));
    ApiKeys keys = new ApiKeys(List.of(reader, admin));
    assertThat(keys.open()).isFalse();
    assertThat(keys.size()).isEqualTo(2);
    assertThat(keys.match("a")).contains(admin);
    assertThat(keys.match("r")).contains(reader);
    assertThat(keys.match("")).isEmpty();
    assertThat(keys.match("a ")).isEmpty();
    // the configured hash is not itself a key
    assertThat(keys.match(hashOf("a"))).isEmpty();
  }

  @Test
  void twoKeysOfOneSecretMatchTheFirst() throws Exception {
    ApiKey first = new ApiKey("first", hashOf("same"), Set.of(Role.READ));
    ApiKey second = new ApiKey("second", hashOf("same"), Set.of(Role.ADMIN));
    assertThat(new ApiKeys(List.of(first, second)).match("same")).contains(first);
  }

  @Test
  void noKeysMeansOpen() {
    assertThat(new ApiKeys(null).open()).isTrue();
    assertThat(new ApiKeys(List.of()).open()).isTrue();
    assertThat(new ApiKeys(List.of()).match("anything")).isEmpty();
  }

  @Test
  void secretsAreHashedAsUtf8() throws Exception {
    ApiKey key = new ApiKey("u", hashOf("clé-ü"), Set.of(Role.READ));
    assertThat(new ApiKeys(List.of(key)).match("clé-ü")).contains(key);
  }
}
