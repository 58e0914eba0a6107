package io.lakeshelf.content.storage;

import java.util.Objects;

/**
 * An object or prefix in a bucket, parsed from an {@code s3://bucket/key} URI ({@code s3a://} is
 * accepted too and kept as written).
 */
public record S3Location(String scheme, String bucket, String key) {

  public S3Location {
    Objects.requireNonNull(scheme, "scheme");
    Objects.requireNonNull(key, "key");
    if (!scheme.equals("s3") && !scheme.equals("s3a")) {
      throw new IllegalArgumentException("not an S3 scheme: " + scheme);
    }
    if (bucket == null || bucket.isEmpty()) {
      throw new IllegalArgumentException("an S3 location needs a bucket");
    }
  }

  /** Whether a location names an object store path Lakeshelf reads through S3. */
  public static boolean isS3(String location) {
    return location != null && (location.startsWith("s3://") || location.startsWith("s3a://"));
  }

  /** Parses {@code s3://bucket/key}; the key may be empty (the bucket's root). */
  public static S3Location parse(String location) {
    if (!isS3(location)) {
      throw new IllegalArgumentException("not an s3:// location: " + location);
    }
    int schemeEnd = location.indexOf("://");
    String scheme = location.substring(0, schemeEnd);
    String rest = location.substring(schemeEnd + 3);
    int slash = rest.indexOf('/');
    String bucket = slash < 0 ? rest : rest.substring(0, slash);
    String key = slash < 0 ? "" : rest.substring(slash + 1);
    return new S3Location(scheme, bucket, key);
  }

  /** The location as a URI string. */
  public String uri() {
    return scheme + "://" + bucket + "/" + key;
  }

  /** The location of a key under this one, taken as a directory. */
  public S3Location resolve(String child) {
    String base = key.isEmpty() || key.endsWith("/") ? key : key + "/";
    return new S3Location(scheme, bucket, base + child);
  }

  @Override
  public String toString() {
    return uri();
  }
}
