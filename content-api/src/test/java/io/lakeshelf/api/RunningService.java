package io.lakeshelf.api;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The real service on a random port over a given data directory, and a plain HTTP client for it.
 * Stop and start it again on the same directory to test restarts.
 */
final class RunningService implements AutoCloseable {

  static final JsonMapper JSON = JsonMapper.builder().build();

  private final ConfigurableApplicationContext context;
  private final HttpClient http = HttpClient.newHttpClient();
  final int port;

  private RunningService(ConfigurableApplicationContext context) {
    this.context = context;
    this.port = ((WebServerApplicationContext) context).getWebServer().getPort();
  }

  static RunningService start(Path dataDir, String... properties) {
    List<String> args = new ArrayList<>();
    args.add("--server.port=0");
    args.add("--lakeshelf.data-dir=" + dataDir);
    if (java.util.Arrays.stream(properties)
        .noneMatch(p -> p.startsWith("--lakeshelf.index.sync-interval="))) {
      args.add("--lakeshelf.index.sync-interval=200ms");
    }
    args.addAll(List.of(properties));
    // One Spring application starts or stops at a time in this JVM: integration test classes run
    // two at a time, and Logback's context (one per JVM) is not safe for two logging systems
    // initialising or cleaning up at once (a ConcurrentModificationException in CI).
    ConfigurableApplicationContext context;
    synchronized (SpringApplication.class) {
      context =
          new SpringApplicationBuilder(LakeshelfApplication.class).run(args.toArray(String[]::new));
    }
    return new RunningService(context);
  }

  record Answer(
      int status, String contentType, String body, java.util.Map<String, List<String>> headers) {
    Answer(int status, String contentType, String body) {
      this(status, contentType, body, java.util.Map.of());
    }

    /** The first value of a response header (names in lower case, as the JDK client has them). */
    java.util.Optional<String> header(String name) {
      List<String> values = headers.get(name.toLowerCase(java.util.Locale.ROOT));
      return values == null || values.isEmpty()
          ? java.util.Optional.empty()
          : java.util.Optional.of(values.get(0));
    }

    JsonNode json() {
      return JSON.readTree(body);
    }
  }

  Answer send(String method, String path, String body, String contentType)
      throws IOException, InterruptedException {
    return send(method, path, body, contentType, java.util.Map.of());
  }

  Answer send(
      String method,
      String path,
      String body,
      String contentType,
      java.util.Map<String, String> headers)
      throws IOException, InterruptedException {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
            .timeout(Duration.ofSeconds(60));
    headers.forEach(b::header);
    if (body == null) {
      b.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      b.method(method, HttpRequest.BodyPublishers.ofString(body));
      b.header("Content-Type", contentType);
    }
    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    return new Answer(
        r.statusCode(),
        r.headers().firstValue("Content-Type").orElse(""),
        r.body(),
        r.headers().map());
  }

  Answer send(String method, String path, String jsonBody)
      throws IOException, InterruptedException {
    return send(method, path, jsonBody, "application/json");
  }

  Answer get(String path) throws IOException, InterruptedException {
    return send("GET", path, null, null);
  }

  @Override
  public void close() {
    synchronized (SpringApplication.class) { // see start
      context.close();
    }
  }
}
