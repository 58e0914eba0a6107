package io.lakeshelf.springai;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * Where a Lakeshelf service is and how to talk to it.
 *
 * @param baseUrl the service's root, e.g. {@code http://localhost:8080} (an absolute http or https
 *     URL without query or fragment; the {@code /v1/...} paths are added to it)
 * @param apiKey the key sent as {@code Authorization: Bearer <key>}, or null for a service with no
 *     keys configured
 * @param connectTimeout the longest a connection may take to open
 * @param readTimeout the longest the service may take to answer a request (an ingest answers once
 *     the index shows the write, so leave room for embedding-sized batches)
 */
public record LakeshelfConnection(
    URI baseUrl, String apiKey, Duration connectTimeout, Duration readTimeout) {

  /** The default connect timeout: 5 seconds. */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);

  /** The default read timeout: 60 seconds. */
  public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(60);

  public LakeshelfConnection {
    Objects.requireNonNull(baseUrl, "baseUrl");
    Objects.requireNonNull(connectTimeout, "connectTimeout");
    Objects.requireNonNull(readTimeout, "readTimeout");
    if (!baseUrl.isAbsolute()
        || !("http".equalsIgnoreCase(baseUrl.getScheme())
            || "https".equalsIgnoreCase(baseUrl.getScheme()))
        || baseUrl.getHost() == null) {
      throw new IllegalArgumentException(
          "baseUrl must be an absolute http or https URL, not '" + baseUrl + "'");
    }
    if (baseUrl.getRawQuery() != null || baseUrl.getRawFragment() != null) {
      throw new IllegalArgumentException(
          "baseUrl must have no query or fragment, not '" + baseUrl + "'");
    }
    if (apiKey != null && apiKey.isBlank()) {
      apiKey = null;
    }
    if (apiKey != null && apiKey.chars().anyMatch(c -> c < 0x21 || c > 0x7e)) {
      throw new IllegalArgumentException("apiKey must be printable ASCII without spaces");
    }
    if (connectTimeout.isNegative() || connectTimeout.isZero()) {
      throw new IllegalArgumentException("connectTimeout must be positive: " + connectTimeout);
    }
    if (readTimeout.isNegative() || readTimeout.isZero()) {
      throw new IllegalArgumentException("readTimeout must be positive: " + readTimeout);
    }
  }

  /** A connection to {@code baseUrl} without a key, with the default timeouts. */
  public static LakeshelfConnection of(URI baseUrl) {
    return new LakeshelfConnection(baseUrl, null, DEFAULT_CONNECT_TIMEOUT, DEFAULT_READ_TIMEOUT);
  }

  /** This connection with {@code apiKey}. */
  public LakeshelfConnection withApiKey(String apiKey) {
    return new LakeshelfConnection(baseUrl, apiKey, connectTimeout, readTimeout);
  }

  /** Leaves the key out, so that it does not end up in logs. */
  @Override
  public String toString() {
    return "LakeshelfConnection[baseUrl="
        + baseUrl
        + ", apiKey="
        + (apiKey == null ? "none" : "****")
        + ", connectTimeout="
        + connectTimeout
        + ", readTimeout="
        + readTimeout
        + "]";
  }
}
