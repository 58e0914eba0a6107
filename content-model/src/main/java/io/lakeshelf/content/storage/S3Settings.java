package io.lakeshelf.content.storage;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * How to reach S3 or an S3-protocol store. Credentials are not here: they come from the AWS SDK's
 * default provider chain (environment, profiles, instance roles).
 *
 * @param endpoint an endpoint override for S3-protocol stores (MinIO, LocalStack), or null for AWS
 * @param region the signing region
 * @param pathStyleAccess address buckets as {@code endpoint/bucket} rather than {@code
 *     bucket.endpoint}
 * @param maxConnections the HTTP connection pool's size: the parallel reads of a search's join
 * @param requestTimeout the longest one request attempt may take
 */
public record S3Settings(
    URI endpoint,
    String region,
    boolean pathStyleAccess,
    int maxConnections,
    Duration requestTimeout) {

  public static final String DEFAULT_REGION = "us-east-1";

  public S3Settings {
    Objects.requireNonNull(region, "region");
    Objects.requireNonNull(requestTimeout, "requestTimeout");
    if (region.isBlank()) {
      throw new IllegalArgumentException("the S3 region must not be blank");
    }
    if (maxConnections < 1) {
      throw new IllegalArgumentException("maxConnections must be at least 1");
    }
    if (requestTimeout.isNegative() || requestTimeout.isZero()) {
      throw new IllegalArgumentException("requestTimeout must be positive");
    }
  }

  /** An S3-protocol server at this endpoint, with path-style addressing. */
  public static S3Settings endpoint(URI endpoint) {
    return new S3Settings(endpoint, DEFAULT_REGION, true, 64, Duration.ofSeconds(30));
  }
}
