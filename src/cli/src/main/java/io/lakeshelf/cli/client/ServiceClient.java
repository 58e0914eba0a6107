package io.lakeshelf.cli.client;

import io.lakeshelf.cli.client.ServiceException.Kind;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Consumer;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Calls the service's REST API. Every call is JSON; an answer of 2xx gives its body, anything else
 * a {@link ServiceException}. Transient failures (no connection, a timeout, a 5xx answer, 409
 * {@code WRITE_CONFLICT}) are retried {@code retries} times with exponential backoff (0.5 s
 * doubling to at most 8 s, or the answer's {@code Retry-After}), each retry said on {@code
 * notices}. A call that is not idempotent is retried only when no connection was made.
 */
public final class ServiceClient {

  /** One mapper for the whole CLI. */
  public static final JsonMapper JSON = JsonMapper.builder().build();

  private static final long FIRST_BACKOFF_MILLIS = 500;
  private static final long MAX_BACKOFF_MILLIS = 8_000;

  private final URI base;
  private final String apiKey;
  private final Duration timeout;
  private final int retries;
  private final Consumer<String> notices;
  private final HttpClient http;

  /**
   * @param base the service, such as {@code http://localhost:8080}
   * @param apiKey sent as {@code Authorization: Bearer}, or null for none
   * @param timeout the longest one attempt may take
   * @param retries attempts after the first for a transient failure
   * @param notices where each retry is said (one line)
   */
  public ServiceClient(
      URI base, String apiKey, Duration timeout, int retries, Consumer<String> notices) {
    String s = base.toString();
    this.base = URI.create(s.endsWith("/") ? s.substring(0, s.length() - 1) : s);
    this.apiKey = apiKey;
    this.timeout = timeout;
    this.retries = retries;
    this.notices = notices;
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
  }

  public URI base() {
    return base;
  }

  /** {@code GET path}. */
  public JsonNode get(String path) throws ServiceException, InterruptedException {
    return call("GET", path, null, true);
  }

  /**
   * {@code POST path} with a JSON body.
   *
   * @param idempotent whether sending it twice does what sending it once does (an ingest by id, a
   *     search): then it is retried after any transient failure, else only when no connection was
   *     made
   */
  public JsonNode post(String path, byte[] body, boolean idempotent)
      throws ServiceException, InterruptedException {
    return call("POST", path, body, idempotent);
  }

  /** A path segment percent-encoded as RFC 3986 says (every byte outside the unreserved set). */
  public static String segment(String value) {
    StringBuilder out = new StringBuilder();
    for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if ((c >= 'a' && c <= 'z')
          || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9')
          || c == '-'
          || c == '.'
          || c == '_'
          || c == '~') {
        out.append((char) c);
      } else {
        out.append('%').append(String.format("%02X", c));
      }
    }
    return out.toString();
  }

  private JsonNode call(String method, String path, byte[] body, boolean idempotent)
      throws ServiceException, InterruptedException {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + path))
            .timeout(timeout)
            .header("Accept", "application/json, application/problem+json");
    if (apiKey != null && !apiKey.isEmpty()) {
      b.header("Authorization", "Bearer " + apiKey);
    }
    if (body == null) {
      b.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      b.method(method, HttpRequest.BodyPublishers.ofByteArray(body))
          .header("Content-Type", "application/json");
    }
    HttpRequest request = b.build();
    for (int attempt = 0; ; attempt++) {
      ServiceException failure;
      long wait = Math.min(MAX_BACKOFF_MILLIS, FIRST_BACKOFF_MILLIS << Math.min(attempt, 10));
      try {
        HttpResponse<byte[]> r = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        JsonNode json = parse(r.body());
        if (r.statusCode() / 100 == 2) {
          return json;
        }
        failure = answered(r.statusCode(), json);
        if (failure.kind() == Kind.REFUSED && !"WRITE_CONFLICT".equals(failure.code())) {
          throw failure;
        }
        if (!idempotent) {
          throw failure;
        }
        wait = r.headers().firstValue("Retry-After").map(ServiceClient::seconds).orElse(wait);
      } catch (ConnectException | HttpConnectTimeoutException e) {
        failure =
            new ServiceException(
                Kind.UNAVAILABLE,
                0,
                "UNREACHABLE",
                "cannot connect to " + base + " (" + reason(e) + ")",
                null);
      } catch (HttpTimeoutException e) {
        failure =
            new ServiceException(
                Kind.UNAVAILABLE,
                0,
                "TIMEOUT",
                method + " " + path + " had no answer within " + timeout.toSeconds() + " s",
                null);
        if (!idempotent) {
          throw failure;
        }
      } catch (IOException e) {
        failure =
            new ServiceException(
                Kind.UNAVAILABLE,
                0,
                "UNREACHABLE",
                method + " " + base + path + " failed (" + reason(e) + ")",
                null);
        if (!idempotent) {
          throw failure;
        }
      }
      if (attempt >= retries) {
        throw attempt == 0
            ? failure
            : new ServiceException(
                failure.kind(),
                failure.status(),
                failure.code(),
                failure.getMessage() + " (after " + (attempt + 1) + " attempts)",
                failure.problem());
      }
      notices.accept(
          "retrying in "
              + String.format("%.1f", wait / 1000.0)
              + " s (attempt "
              + (attempt + 2)
              + " of "
              + (retries + 1)
              + "): "
              + failure.code()
              + ": "
              + failure.getMessage());
      Thread.sleep(wait);
    }
  }

  private static ServiceException answered(int status, JsonNode problem) {
    String code = text(problem, "code");
    String detail = text(problem, "detail");
    if (detail == null) {
      detail = text(problem, "title");
    }
    return new ServiceException(
        status / 100 == 4 ? Kind.REFUSED : Kind.UNAVAILABLE,
        status,
        code == null ? "HTTP_" + status : code,
        (detail == null ? "the service answered " + status : detail) + " (HTTP " + status + ")",
        problem);
  }

  private static String text(JsonNode node, String field) {
    return node != null && node.path(field).isString() ? node.path(field).asString() : null;
  }

  private static JsonNode parse(byte[] body) {
    if (body == null || body.length == 0) {
      return null;
    }
    try {
      return JSON.readTree(body);
    } catch (JacksonException e) {
      return null;
    }
  }

  private static long seconds(String retryAfter) {
    try {
      return Math.min(60_000, Math.max(0, Long.parseLong(retryAfter.trim()) * 1000));
    } catch (NumberFormatException e) {
      return FIRST_BACKOFF_MILLIS;
    }
  }

  private static String reason(IOException e) {
    String m = e.getMessage();
    if (m == null && e.getCause() != null) {
      m = e.getCause().toString();
    }
    return m == null ? e.getClass().getSimpleName() : m;
  }
}
