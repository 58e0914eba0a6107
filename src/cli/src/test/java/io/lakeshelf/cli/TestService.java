package io.lakeshelf.cli;

import io.lakeshelf.api.LakeshelfApplication;
import io.lakeshelf.cli.client.ServiceClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * The real Lakeshelf service, started once for all test classes of the run on a random port over a
 * temporary data directory, and a plain HTTP client to check what the CLI did. Reindex jobs read
 * 10,000 rows a second, so that a reindex of 20,000 rows shows progress.
 */
final class TestService {

  private static TestService shared;

  final Path dataDir;
  final String url;
  private final HttpClient http = HttpClient.newHttpClient();

  private TestService(Path dataDir, String url) {
    this.dataDir = dataDir;
    this.url = url;
  }

  static synchronized TestService shared() {
    if (shared == null) {
      try {
        Path dataDir = Files.createTempDirectory("lakeshelf-cli-it");
        ConfigurableApplicationContext context =
            new SpringApplicationBuilder(LakeshelfApplication.class)
                .run(
                    "--server.port=0",
                    "--lakeshelf.data-dir=" + dataDir,
                    "--lakeshelf.index.sync-interval=200ms",
                    "--lakeshelf.index.reindex-rows-per-second=10000");
        int port = ((WebServerApplicationContext) context).getWebServer().getPort();
        Runtime.getRuntime().addShutdownHook(new Thread(context::close));
        shared = new TestService(dataDir, "http://localhost:" + port);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return shared;
  }

  /** An answer: its status and JSON body. */
  record Answer(int status, JsonNode json) {}

  Answer send(String method, String path, String body) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(60));
    if (body == null) {
      b.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      b.method(method, HttpRequest.BodyPublishers.ofString(body))
          .header("Content-Type", "application/json");
    }
    try {
      HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
      return new Answer(
          r.statusCode(), r.body().isEmpty() ? null : ServiceClient.JSON.readTree(r.body()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  JsonNode get(String path) {
    Answer a = send("GET", path, null);
    if (a.status() != 200) {
      throw new AssertionError("GET " + path + " answered " + a.status() + ": " + a.json());
    }
    return a.json();
  }

  /** Creates a managed collection with one 8-dimension cosine vector {@code body}. */
  void createCollection(String name) {
    Answer a =
        send(
            "PUT",
            "/v1/collections/" + name,
            "{\"vectors\": {\"body\": {\"dimensions\": " + TestFiles.DIMENSIONS + "}}}");
    if (a.status() != 201) {
      throw new AssertionError("PUT " + name + " answered " + a.status() + ": " + a.json());
    }
  }

  /** The managed table of a collection, in the data directory. */
  String table(String collection) {
    return dataDir.resolve("collections").resolve(collection).resolve("table").toString();
  }
}
