package io.lakeshelf.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The image works: its entrypoint, run from its layers in a read-only root as its own user (see
 * {@link ImageContainer}), becomes ready, creates a collection, ingests and searches with the
 * bundled model (ONNX Runtime's native library loads from the image's C++ libraries), answers the
 * compose file's health probe, publishes every metric the Grafana dashboard queries, and stops
 * cleanly on SIGTERM.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ImageRunIT {

  static final JsonMapper JSON = JsonMapper.builder().build();
  static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  static ImageContainer container;

  @BeforeAll
  static void start() throws Exception {
    ImageContainer.assumeRunnable();
    ImageTar image = ImageTar.load();
    Path dir = ImageTar.TAR.getParent().resolve("image-test/run");
    // A heap cap as an operator would set one (the image sizes the heap to the container's memory
    // limit; here there is none), and a time-travel row limit small enough to refuse a version.
    container =
        ImageContainer.start(
            image,
            dir,
            Map.of("JAVA_TOOL_OPTIONS", "-Xmx512m"),
            "--lakeshelf.time-travel.max-rows=3");
    Awaitility.await("the service in the image is ready (log: " + container.log + ")")
        .atMost(Duration.ofMinutes(3))
        .pollInterval(Duration.ofMillis(500))
        .ignoreException(ConnectException.class)
        .until(
            () -> {
              assertThat(container.isAlive()).as("the service runs: %s", tail()).isTrue();
              return get("/actuator/health/readiness").statusCode() == 200;
            });
  }

  @AfterAll
  static void close() throws Exception {
    if (container != null) {
      container.close();
    }
  }

  @Test
  @Order(1)
  void livenessAndReadinessAnswerUp() throws Exception {
    for (String group : List.of("liveness", "readiness")) {
      HttpResponse<String> r = get("/actuator/health/" + group);
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(JSON.readTree(r.body()).get("status").asString()).isEqualTo("UP");
    }
  }

  @Test
  @Order(2)
  void createsIngestsAndSearchesWithTheBundledModel() throws Exception {
    assertThat(
            send(
                    "PUT",
                    "/v1/collections/docs",
                    "{\"vectors\":{\"body\":{\"embed\":\"all-minilm-l6-v2\"}}}")
                .statusCode())
        .isBetween(200, 201);
    ingest(
        """
        {"id": "m-1", "title": "Descaling", "text": "Descale the coffee machine every 300 cups."},
        {"id": "m-2", "title": "Lakes", "text": "A lake holds fresh water in a basin."}\
        """);
    JsonNode hits =
        JSON.readTree(
                send(
                        "POST",
                        "/v1/collections/docs/search",
                        "{\"text\": \"how do I remove limescale from my espresso maker\", \"k\":"
                            + " 2}")
                    .body())
            .get("hits");
    assertThat(hits.get(0).get("id").asString()).isEqualTo("m-1");
    assertThat(hits.get(0).get("document").get("title").asString()).isEqualTo("Descaling");
    keyword("lake", "m-2");

    // Versions 2 and 3; version 1 (2 rows) is searched as of its version, version 2 (5 rows) is
    // refused (max-rows 3): the time-travel metrics have something to count.
    ingest(
        """
        {"id": "m-3", "title": "Rivers", "text": "A river flows to the sea."},
        {"id": "m-4", "title": "Glaciers", "text": "Glaciers are rivers of ice."},
        {"id": "m-5", "title": "Ponds", "text": "A pond is a small lake."}\
        """);
    ingest("{\"id\": \"m-6\", \"title\": \"Seas\", \"text\": \"The sea is salt water.\"}");
    HttpResponse<String> past =
        send(
            "POST",
            "/v1/collections/docs/search",
            "{\"text\": \"lake\", \"k\": 5, \"asOfVersion\": 1}");
    assertThat(past.statusCode()).as(past.body()).isEqualTo(200);
    assertThat(JSON.readTree(past.body()).get("hits")).hasSize(2);
    assertThat(
            send("POST", "/v1/collections/docs/search", "{\"text\": \"lake\", \"asOfVersion\": 2}")
                .statusCode())
        .isEqualTo(422);
    assertThat(get("/v1/collections/missing").statusCode()).isEqualTo(404);

    // The data went to the volume, the only writable place besides /tmp.
    assertThat(container.data.resolve("collections/docs")).isDirectory();
    assertThat(Files.getOwner(container.data.resolve("collections")).getName())
        .isIn("10001", "lakeshelf", container.user.split(":")[0]);
  }

  @Test
  @Order(3)
  void theComposeHealthCheckPassesWhenReadyAndFailsOtherwise() throws Exception {
    List<String> probe = composeHealthCheck();
    assertThat(probe.getLast()).isEqualTo("http://localhost:8080/actuator/health/readiness");
    List<String> here = new ArrayList<>(probe);
    here.set(here.size() - 1, container.url("/actuator/health/readiness"));
    ImageContainer.Exec ready = container.exec(here);
    assertThat(ready.status()).isZero();
    assertThat(ready.output()).contains("200 {\"status\":\"UP\"}");
    here.set(here.size() - 1, container.url("/actuator/health/no-such-group"));
    ImageContainer.Exec missing = container.exec(here);
    assertThat(missing.status()).isEqualTo(1);
    assertThat(missing.output()).contains("404");
    here.set(here.size() - 1, "http://localhost:1/actuator/health/readiness");
    ImageContainer.Exec refused = container.exec(here);
    assertThat(refused.status()).isEqualTo(1);
    assertThat(refused.output()).contains("unhealthy: http://localhost:1/");
  }

  @Test
  @Order(4)
  void publishesEveryMetricTheDashboardQueries() throws Exception {
    HttpResponse<String> scrape = get("/actuator/prometheus");
    assertThat(scrape.statusCode()).isEqualTo(200);
    Set<String> published = new TreeSet<>();
    scrape
        .body()
        .lines()
        .filter(l -> !l.isBlank() && !l.startsWith("#"))
        .forEach(l -> published.add(l.split("[{ ]", 2)[0]));
    Files.writeString(container.log.resolveSibling("prometheus.txt"), scrape.body());
    assertThat(published)
        .as("series names in the scrape (saved beside the log)")
        .containsAll(Dashboard.load().metricNames());
  }

  @Test
  @Order(5)
  void stopsCleanlyOnSigterm() throws Exception {
    int status = container.stop();
    String log = container.log();
    assertThat(status).as("exit status of a JVM ended by SIGTERM; log: %s", tail()).isEqualTo(143);
    assertThat(log).contains("Graceful shutdown complete");
    assertThat(log.lines().filter(l -> l.contains(" ERROR ")).toList()).isEmpty();
  }

  static List<String> composeHealthCheck() throws IOException {
    try (InputStream in = Files.newInputStream(Path.of("../../docker-compose.yml"))) {
      Map<String, Object> compose = new Yaml().load(in);
      Map<?, ?> service = (Map<?, ?>) ((Map<?, ?>) compose.get("services")).get("lakeshelf");
      List<?> test = (List<?>) ((Map<?, ?>) service.get("healthcheck")).get("test");
      assertThat(test.getFirst()).isEqualTo("CMD");
      return test.subList(1, test.size()).stream().map(String::valueOf).toList();
    }
  }

  private static void ingest(String documents) throws Exception {
    HttpResponse<String> r =
        send("POST", "/v1/collections/docs/documents", "{\"documents\": [" + documents + "]}");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
  }

  private static void keyword(String text, String id) throws Exception {
    JsonNode hits =
        JSON.readTree(
                send(
                        "POST",
                        "/v1/collections/docs/search",
                        "{\"text\": \"" + text + "\", \"mode\": \"keyword\", \"k\": 1}")
                    .body())
            .get("hits");
    assertThat(hits.get(0).get("id").asString()).isEqualTo(id);
  }

  static HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(container.url(path)))
            .timeout(Duration.ofSeconds(30))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static HttpResponse<String> send(String method, String path, String body)
      throws IOException, InterruptedException {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(container.url(path)))
            .timeout(Duration.ofSeconds(60))
            .header("Content-Type", "application/json")
            .method(method, HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static String tail() throws IOException {
    List<String> lines = container.log().lines().toList();
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
  }
}
