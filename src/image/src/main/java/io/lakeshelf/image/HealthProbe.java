package io.lakeshelf.image;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * A container health check for an image without a shell: {@code java -cp /app/classes
 * io.lakeshelf.image.HealthProbe [URL]} asks the URL (by default the readiness group, {@code
 * http://localhost:8080/actuator/health/readiness}) and exits 0 when it answers 200, 1 otherwise
 * (another status, no answer within 5 s, a refused connection), printing one line either way.
 */
public final class HealthProbe {

  static final String DEFAULT_URL = "http://localhost:8080/actuator/health/readiness";
  static final Duration TIMEOUT = Duration.ofSeconds(5);

  private HealthProbe() {}

  public static void main(String[] args) {
    String url = args.length > 0 ? args[0] : DEFAULT_URL;
    int code = probe(url);
    System.exit(code);
  }

  /** Asks the URL once: 0 when it answers 200, 1 otherwise. */
  static int probe(String url) {
    try (HttpClient client = HttpClient.newBuilder().connectTimeout(TIMEOUT).build()) {
      HttpResponse<String> response =
          client.send(
              HttpRequest.newBuilder(URI.create(url)).timeout(TIMEOUT).GET().build(),
              HttpResponse.BodyHandlers.ofString());
      System.out.println(response.statusCode() + " " + response.body());
      return response.statusCode() == 200 ? 0 : 1;
    } catch (IOException | IllegalArgumentException e) {
      System.out.println("unhealthy: " + url + ": " + e);
      return 1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      System.out.println("unhealthy: interrupted");
      return 1;
    }
  }
}
