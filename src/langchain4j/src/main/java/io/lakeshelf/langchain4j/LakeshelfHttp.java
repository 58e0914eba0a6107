package io.lakeshelf.langchain4j;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Objects;

/**
 * JSON over the JDK's HTTP client to one Lakeshelf service: sends a request, answers the JSON body
 * of a 2xx answer and turns any other into a {@link LakeshelfException} with the problem's code and
 * detail.
 */
final class LakeshelfHttp implements AutoCloseable {

  private final ObjectMapper json;
  private final HttpClient client;
  private final String baseUrl;
  private final String apiKey;
  private final Duration requestTimeout;

  LakeshelfHttp(
      ObjectMapper json,
      String baseUrl,
      String apiKey,
      Duration connectTimeout,
      Duration requestTimeout) {
    this.json = Objects.requireNonNull(json, "json");
    this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    this.apiKey = apiKey;
    this.requestTimeout = Objects.requireNonNull(requestTimeout, "requestTimeout");
    this.client =
        HttpClient.newBuilder()
            .connectTimeout(Objects.requireNonNull(connectTimeout, "connectTimeout"))
            .build();
  }

  /** What came back: its status and JSON body (a missing node for an empty body). */
  record Answer(int status, JsonNode body) {}

  /**
   * Sends a request and answers a 2xx answer.
   *
   * @param body the JSON body, or null for none
   * @throws LakeshelfException for an answer that is not 2xx, or none
   */
  JsonNode send(String method, String path, JsonNode body) {
    Answer answer = exchange(method, path, body);
    if (answer.status() / 100 != 2) {
      throw problem(method, path, answer);
    }
    return answer.body();
  }

  /**
   * Sends a request and answers whatever status came back.
   *
   * @throws LakeshelfException when no answer came
   */
  Answer exchange(String method, String path, JsonNode body) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(baseUrl + path))
            .timeout(requestTimeout)
            .header("Accept", "application/json, application/problem+json");
    if (apiKey != null) {
      request.header("Authorization", "Bearer " + apiKey);
    }
    if (body == null) {
      request.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      request.header("Content-Type", "application/json");
      request.method(method, HttpRequest.BodyPublishers.ofByteArray(bytes(body)));
    }
    HttpResponse<byte[]> response;
    try {
      response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new LakeshelfException(
          0, "IO_ERROR", method + " " + baseUrl + path + " failed: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LakeshelfException(
          0, "IO_ERROR", method + " " + baseUrl + path + " was interrupted", e);
    }
    return new Answer(response.statusCode(), parse(response.body()));
  }

  LakeshelfException problem(String method, String path, Answer answer) {
    JsonNode body = answer.body();
    String code = body.path("code").asText("HTTP_" + answer.status());
    String detail = body.path("detail").asText(body.isMissingNode() ? "" : body.toString());
    return new LakeshelfException(
        answer.status(),
        code,
        method + " " + path + " answered " + answer.status() + " " + code + ": " + detail,
        null);
  }

  private byte[] bytes(JsonNode body) {
    try {
      return json.writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a JSON tree always serializes", e);
    }
  }

  private JsonNode parse(byte[] body) {
    if (body.length == 0) {
      return json.missingNode();
    }
    try {
      return json.readTree(body);
    } catch (IOException e) {
      // Not JSON (a proxy's error page, say): keep the text as the problem's detail.
      return json.createObjectNode()
          .put("detail", new String(body, java.nio.charset.StandardCharsets.UTF_8));
    }
  }

  @Override
  public void close() {
    client.close();
  }
}
