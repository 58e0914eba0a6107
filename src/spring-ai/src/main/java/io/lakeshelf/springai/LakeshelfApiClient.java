package io.lakeshelf.springai;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.web.client.RestClient;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The part of Lakeshelf's REST API ({@code /v1/collections/...}) the vector store uses, over
 * Spring's {@link RestClient} on the JDK {@link HttpClient}, JSON by Jackson 3.
 *
 * <p>Requests and answers are JSON trees as the API defines them (see the service's {@code
 * api-v1.md}); every refusal is a {@link LakeshelfApiException} with the problem's status, code and
 * detail. A connection that fails or times out is Spring's {@code ResourceAccessException}. Safe
 * for concurrent use.
 */
public final class LakeshelfApiClient {

  /** Collection names the service accepts. */
  public static final Pattern COLLECTION_NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final MediaType PROBLEM = MediaType.parseMediaType("application/problem+json");

  private final LakeshelfConnection connection;
  private final String root;
  private final RestClient http;

  /** A client of the service {@code connection} names. */
  public LakeshelfApiClient(LakeshelfConnection connection) {
    this.connection = Objects.requireNonNull(connection, "connection");
    String base = connection.baseUrl().toString();
    this.root = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    HttpClient jdk =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(connection.connectTimeout())
            .build();
    JdkClientHttpRequestFactory factory = new JdkClientHttpRequestFactory(jdk);
    factory.setReadTimeout(connection.readTimeout());
    RestClient.Builder builder =
        RestClient.builder()
            .requestFactory(factory)
            .defaultHeader(HttpHeaders.ACCEPT, "application/json, application/problem+json");
    if (connection.apiKey() != null) {
      builder.defaultHeader(HttpHeaders.AUTHORIZATION, "Bearer " + connection.apiKey());
    }
    this.http = builder.build();
  }

  /** Where this client connects. */
  public LakeshelfConnection connection() {
    return connection;
  }

  /**
   * The collection as {@code GET /v1/collections/{name}} shows it, or empty if there is none.
   *
   * @throws LakeshelfApiException for any other refusal
   */
  public Optional<JsonNode> findCollection(String collection) {
    try {
      return Optional.of(send(HttpMethod.GET, collectionPath(collection), null));
    } catch (LakeshelfApiException e) {
      if (e.status() == 404 && "COLLECTION_NOT_FOUND".equals(e.code())) {
        return Optional.empty();
      }
      throw e;
    }
  }

  /**
   * Creates the collection, or leaves it as it is when it has this definition already ({@code PUT
   * /v1/collections/{name}}).
   */
  public JsonNode putCollection(String collection, ObjectNode definition) {
    return send(HttpMethod.PUT, collectionPath(collection), definition);
  }

  /**
   * Upserts documents by id in one commit; answers once the index shows them ({@code POST
   * .../documents}).
   */
  public JsonNode upsert(String collection, ArrayNode documents) {
    ObjectNode body = JSON.createObjectNode();
    body.set("documents", documents);
    return send(HttpMethod.POST, collectionPath(collection) + "/documents", body);
  }

  /** Deletes the documents of these ids in one commit ({@code POST .../documents/delete}). */
  public JsonNode deleteByIds(String collection, List<String> ids) {
    ObjectNode body = JSON.createObjectNode();
    ArrayNode array = body.putArray("ids");
    ids.forEach(array::add);
    return send(HttpMethod.POST, collectionPath(collection) + "/documents/delete", body);
  }

  /** Deletes the documents a Lakeshelf filter matches in one commit. */
  public JsonNode deleteByFilter(String collection, JsonNode filter) {
    ObjectNode body = JSON.createObjectNode();
    body.set("filter", filter);
    return send(HttpMethod.POST, collectionPath(collection) + "/documents/delete", body);
  }

  /** Runs a search ({@code POST .../search}); the answer holds {@code hits}. */
  public JsonNode search(String collection, ObjectNode request) {
    return send(HttpMethod.POST, collectionPath(collection) + "/search", request);
  }

  private static String collectionPath(String collection) {
    Objects.requireNonNull(collection, "collection");
    if (!COLLECTION_NAME.matcher(collection).matches()) {
      throw new IllegalArgumentException(
          "invalid collection name '" + collection + "': use " + COLLECTION_NAME.pattern());
    }
    return "/v1/collections/" + collection;
  }

  private JsonNode send(HttpMethod method, String path, JsonNode body) {
    String operation = method.name() + " " + path;
    RestClient.RequestBodySpec request = http.method(method).uri(URI.create(root + path));
    if (body != null) {
      request.contentType(MediaType.APPLICATION_JSON).body(JSON.writeValueAsBytes(body));
    }
    return request.exchange(
        (req, res) -> {
          int status = res.getStatusCode().value();
          byte[] bytes = res.getBody().readAllBytes();
          if (status >= 200 && status < 300) {
            return bytes.length == 0 ? JSON.createObjectNode() : parse(operation, status, bytes);
          }
          throw refusal(operation, status, res.getHeaders().getContentType(), bytes);
        });
  }

  private static JsonNode parse(String operation, int status, byte[] bytes) throws IOException {
    try {
      return JSON.readTree(bytes);
    } catch (JacksonException e) {
      throw new LakeshelfApiException(operation, status, null, "the answer is not JSON: " + e);
    }
  }

  private static LakeshelfApiException refusal(
      String operation, int status, MediaType type, byte[] bytes) {
    String text = new String(bytes, StandardCharsets.UTF_8);
    if (type != null
        && (type.isCompatibleWith(PROBLEM) || type.isCompatibleWith(MediaType.APPLICATION_JSON))) {
      try {
        JsonNode problem = JSON.readTree(bytes);
        String code = problem.path("code").isString() ? problem.path("code").stringValue() : null;
        String detail =
            problem.path("detail").isString()
                ? problem.path("detail").stringValue()
                : problem.path("title").asString(null);
        JsonNode errors = problem.path("errors");
        if (errors.isArray() && !errors.isEmpty()) {
          detail = (detail == null ? "" : detail + " ") + errors;
        }
        return new LakeshelfApiException(operation, status, code, detail);
      } catch (JacksonException e) {
        // fall through: report the body as text
      }
    }
    return new LakeshelfApiException(
        operation, status, null, text.length() > 500 ? text.substring(0, 500) + "…" : text);
  }
}
