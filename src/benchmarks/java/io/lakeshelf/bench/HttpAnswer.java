package io.lakeshelf.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** One answer of the service to a benchmark's request, and how the benchmarks send requests. */
record HttpAnswer(int status, String body) {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  JsonNode json() {
    return JSON.readTree(body);
  }

  /** Fails the benchmark, naming what it was doing, unless the answer has this status. */
  HttpAnswer expect(int expected, String what) {
    if (status != expected) {
      String b = body == null ? "" : body;
      throw new IllegalStateException(
          what
              + ": HTTP "
              + status
              + " (expected "
              + expected
              + "): "
              + (b.length() > 2000 ? b.substring(0, 2000) + "..." : b));
    }
    return this;
  }

  /** Sends a request with an optional JSON body and waits for the whole answer. */
  static HttpAnswer send(HttpClient http, String base, String method, String path, String json)
      throws IOException, InterruptedException {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofMinutes(5));
    if (json == null) {
      b.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      b.method(method, HttpRequest.BodyPublishers.ofString(json))
          .header("Content-Type", "application/json");
    }
    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    return new HttpAnswer(r.statusCode(), r.body());
  }
}
