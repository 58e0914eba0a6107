package io.lakeshelf.langchain4j;

import static dev.langchain4j.internal.ValidationUtils.ensureNotBlank;
import static dev.langchain4j.internal.ValidationUtils.ensureNotEmpty;
import static dev.langchain4j.internal.ValidationUtils.ensureNotNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.internal.Utils;
import dev.langchain4j.store.embedding.EmbeddingMatch;
import dev.langchain4j.store.embedding.EmbeddingSearchRequest;
import dev.langchain4j.store.embedding.EmbeddingSearchResult;
import dev.langchain4j.store.embedding.EmbeddingStore;
import dev.langchain4j.store.embedding.filter.Filter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A LangChain4j {@link EmbeddingStore} of {@link TextSegment}s kept in one managed Lakeshelf
 * collection, over Lakeshelf's REST API ({@code /v1/collections/{name}/...}).
 *
 * <p>Each embedding is a document: its id (a random UUID unless given), the segment's text as the
 * document's {@code text}, the segment's metadata as its typed {@code metadata} (see {@link
 * MetadataJson}) and the embedding as its named vector. Writes answer once Lakeshelf's index shows
 * them, so a search right after an {@code add} finds it.
 *
 * <p><b>Scores.</b> Lakeshelf scores a cosine vector with the cosine similarity c in -1..1; matches
 * carry LangChain4j's relevance {@code (c + 1) / 2} ({@code RelevanceScore.fromCosineSimilarity}),
 * and a request's {@code minScore} r is sent as the cosine {@code 2r - 1} (see {@link
 * LakeshelfSimilarity} for {@code dot} and {@code l2} vectors). The relevance is then checked again
 * here, so that a match scored exactly r is kept whatever the rounding of the two conversions.
 *
 * <p><b>Filters</b> are translated by {@link LakeshelfFilters}; {@code ContainsString} throws
 * {@link UnsupportedOperationException}.
 *
 * <p><b>Limits.</b> Writes and deletes by id go in batches of {@code batchSize} documents (one
 * commit each; Lakeshelf takes up to {@code lakeshelf.limits.max-documents}, 1000 by default).
 * {@code maxResults} above 1000 (Lakeshelf's largest {@code k}) is capped to 1000. {@link
 * #removeAll(Filter)} is one delete by filter; when more documents than {@code max-documents} match
 * (Lakeshelf answers 413 and deletes nothing), it deletes them a thousand at a time: the ids a
 * filtered search finds, one commit per batch. {@link #removeAll()} is one commit that deletes
 * every document ({@code {"all": true}}).
 *
 * <p>Thread-safe. {@link #close()} closes its HTTP client.
 */
public final class LakeshelfEmbeddingStore implements EmbeddingStore<TextSegment>, AutoCloseable {

  /** A collection name as Lakeshelf accepts it. */
  static final Pattern COLLECTION_NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");

  /** Lakeshelf's largest {@code k}. */
  static final int MAX_K = 1000;

  /**
   * How far below the requested minimum the cosine sent to Lakeshelf lies, so that rounding never
   * drops a match on the boundary; the exact check is made here on the relevance.
   */
  private static final double MIN_SCORE_SLACK = 1e-6;

  private static final ObjectMapper JSON = new ObjectMapper();

  private final LakeshelfHttp http;
  private final String collectionName;
  private final String vectorName;
  private final int dimensions;
  private final LakeshelfSimilarity similarity;
  private final int batchSize;

  private LakeshelfEmbeddingStore(Builder b) {
    this.collectionName = b.collectionName;
    this.batchSize = b.batchSize;
    this.http = new LakeshelfHttp(JSON, b.baseUrl, b.apiKey, b.connectTimeout, b.requestTimeout);
    try {
      JsonNode collection = collection(b);
      JsonNode vectors = collection.path("vectors");
      String name = b.vectorName;
      if (name == null) {
        if (vectors.size() != 1) {
          throw new IllegalArgumentException(
              "collection '"
                  + collectionName
                  + "' has "
                  + vectors.size()
                  + " vectors: name the one to use with vectorName(...)");
        }
        name = vectors.fieldNames().next();
      }
      JsonNode vector = vectors.path(name);
      if (!vector.isObject()) {
        throw new IllegalArgumentException(
            "collection '" + collectionName + "' has no vector '" + name + "'");
      }
      int actual = vector.path("dimensions").asInt();
      if (b.dimensions != null && b.dimensions != actual) {
        throw new IllegalArgumentException(
            "collection '"
                + collectionName
                + "' has "
                + actual
                + "-dimensional vectors '"
                + name
                + "', not "
                + b.dimensions);
      }
      this.vectorName = name;
      this.dimensions = actual;
      this.similarity = LakeshelfSimilarity.fromWireName(vector.path("similarity").asText());
    } catch (RuntimeException e) {
      http.close();
      throw e;
    }
  }

  /** The collection as Lakeshelf shows it, created first if missing and the builder says so. */
  private JsonNode collection(Builder b) {
    String path = collectionPath();
    LakeshelfHttp.Answer answer = http.exchange("GET", path, null);
    if (answer.status() == 404 && b.createIfMissing) {
      if (b.dimensions == null) {
        throw new IllegalArgumentException(
            "collection '"
                + collectionName
                + "' does not exist: give dimensions(...) to create it");
      }
      ObjectNode body = JSON.createObjectNode();
      body.putObject("vectors")
          .putObject(b.vectorName == null ? Builder.DEFAULT_VECTOR_NAME : b.vectorName)
          .put("dimensions", b.dimensions)
          .put("similarity", b.similarity.wireName());
      return http.send("PUT", path, body);
    }
    if (answer.status() / 100 != 2) {
      throw http.problem("GET", path, answer);
    }
    return answer.body();
  }

  /** A builder; {@code baseUrl} and {@code collectionName} are required. */
  public static Builder builder() {
    return new Builder();
  }

  /** The collection's name. */
  public String collectionName() {
    return collectionName;
  }

  /** The name of the collection's vector this store writes and searches. */
  public String vectorName() {
    return vectorName;
  }

  /** The dimensions of that vector. */
  public int dimensions() {
    return dimensions;
  }

  /** How that vector scores. */
  public LakeshelfSimilarity similarity() {
    return similarity;
  }

  @Override
  public String add(Embedding embedding) {
    String id = Utils.randomUUID();
    add(id, embedding);
    return id;
  }

  @Override
  public void add(String id, Embedding embedding) {
    ensureNotBlank(id, "id");
    ensureNotNull(embedding, "embedding");
    write(List.of(id), List.of(embedding), null);
  }

  @Override
  public String add(Embedding embedding, TextSegment textSegment) {
    ensureNotNull(embedding, "embedding");
    String id = Utils.randomUUID();
    write(List.of(id), List.of(embedding), textSegment == null ? null : List.of(textSegment));
    return id;
  }

  @Override
  public List<String> addAll(List<Embedding> embeddings) {
    ensureNotNull(embeddings, "embeddings");
    List<String> ids = generateIds(embeddings.size());
    write(ids, embeddings, null);
    return ids;
  }

  @Override
  public void addAll(List<String> ids, List<Embedding> embeddings, List<TextSegment> embedded) {
    ensureNotNull(ids, "ids");
    ensureNotNull(embeddings, "embeddings");
    if (ids.size() != embeddings.size()) {
      throw new IllegalArgumentException(
          "ids (" + ids.size() + ") and embeddings (" + embeddings.size() + ") differ in size");
    }
    if (embedded != null && embedded.size() != embeddings.size()) {
      throw new IllegalArgumentException(
          "embedded ("
              + embedded.size()
              + ") and embeddings ("
              + embeddings.size()
              + ") differ in size");
    }
    write(ids, embeddings, embedded);
  }

  private void write(List<String> ids, List<Embedding> embeddings, List<TextSegment> segments) {
    for (int from = 0; from < ids.size(); from += batchSize) {
      int to = Math.min(ids.size(), from + batchSize);
      ObjectNode body = JSON.createObjectNode();
      ArrayNode documents = body.putArray("documents");
      for (int i = from; i < to; i++) {
        documents.add(
            document(ids.get(i), embeddings.get(i), segments == null ? null : segments.get(i)));
      }
      http.send("POST", collectionPath() + "/documents", body);
    }
  }

  private ObjectNode document(String id, Embedding embedding, TextSegment segment) {
    ensureNotBlank(id, "id");
    ensureNotNull(embedding, "embedding");
    ObjectNode doc = JSON.createObjectNode();
    doc.put("id", id);
    if (segment != null) {
      doc.put("text", segment.text());
      if (!segment.metadata().toMap().isEmpty()) {
        doc.set("metadata", MetadataJson.toJson(segment.metadata()));
      }
    }
    ArrayNode vector = doc.putObject("vectors").putArray(vectorName);
    for (float f : embedding.vector()) {
      vector.add(f);
    }
    return doc;
  }

  @Override
  public void removeAll(Collection<String> ids) {
    ensureNotEmpty(ids, "ids");
    Iterator<String> it = ids.iterator();
    while (it.hasNext()) {
      ObjectNode body = JSON.createObjectNode();
      ArrayNode batch = body.putArray("ids");
      while (it.hasNext() && batch.size() < batchSize) {
        batch.add(ensureNotBlank(it.next(), "id"));
      }
      http.send("POST", collectionPath() + "/documents/delete", body);
    }
  }

  @Override
  public void removeAll(Filter filter) {
    ensureNotNull(filter, "filter");
    ObjectNode body = JSON.createObjectNode();
    body.set("filter", LakeshelfFilters.toJson(filter));
    try {
      http.send("POST", collectionPath() + "/documents/delete", body);
    } catch (LakeshelfException e) {
      if (e.status() != 413) {
        throw e;
      }
      removeInBatches(LakeshelfFilters.toJson(filter));
    }
  }

  /** Deletes what a filter matches, at most {@link #MAX_K} ids per commit, until none is left. */
  private void removeInBatches(JsonNode filter) {
    while (true) {
      ObjectNode search = JSON.createObjectNode();
      ArrayNode vector = search.putArray("vector");
      for (int i = 0; i < dimensions; i++) {
        vector.add(i == 0 ? 1f : 0f);
      }
      search.put("using", vectorName);
      search.put("k", MAX_K);
      search.putArray("include");
      search.set("filter", filter);
      JsonNode hits = http.send("POST", collectionPath() + "/search", search).path("hits");
      if (hits.isEmpty()) {
        return;
      }
      List<String> ids = new ArrayList<>();
      hits.forEach(h -> ids.add(h.path("id").asText()));
      removeAll(ids);
    }
  }

  /** Removes every embedding, in one commit ({@code {"all": true}}). */
  @Override
  public void removeAll() {
    ObjectNode body = JSON.createObjectNode();
    body.put("all", true);
    http.send("POST", collectionPath() + "/documents/delete", body);
  }

  @Override
  public EmbeddingSearchResult<TextSegment> search(EmbeddingSearchRequest request) {
    ensureNotNull(request, "request");
    ObjectNode body = JSON.createObjectNode();
    ArrayNode vector = body.putArray("vector");
    for (float f : request.queryEmbedding().vector()) {
      vector.add(f);
    }
    body.put("using", vectorName);
    body.put("k", Math.min(request.maxResults(), MAX_K));
    if (request.minScore() > 0) {
      body.put("minScore", similarity.score(request.minScore()) - MIN_SCORE_SLACK);
    }
    if (request.filter() != null) {
      body.set("filter", LakeshelfFilters.toJson(request.filter()));
    }
    body.putArray("include").add("text").add("metadata").add("vectors");
    JsonNode answer = http.send("POST", collectionPath() + "/search", body);
    List<EmbeddingMatch<TextSegment>> matches = new ArrayList<>();
    for (JsonNode hit : answer.path("hits")) {
      double relevance = similarity.relevance(hit.path("score").asDouble());
      if (relevance < request.minScore()) {
        continue;
      }
      matches.add(
          new EmbeddingMatch<>(
              relevance, hit.path("id").asText(), embedding(hit), segment(hit.path("document"))));
    }
    return new EmbeddingSearchResult<>(matches);
  }

  private Embedding embedding(JsonNode hit) {
    JsonNode values = hit.path("document").path("vectors").path(vectorName);
    if (!values.isArray()) {
      return null;
    }
    float[] vector = new float[values.size()];
    for (int i = 0; i < vector.length; i++) {
      vector[i] = values.get(i).floatValue();
    }
    return new Embedding(vector);
  }

  private static TextSegment segment(JsonNode document) {
    JsonNode text = document.path("text");
    if (!text.isTextual() || text.textValue().isBlank()) {
      return null;
    }
    return TextSegment.from(text.textValue(), MetadataJson.fromJson(document.path("metadata")));
  }

  private String collectionPath() {
    return "/v1/collections/" + collectionName;
  }

  @Override
  public void close() {
    http.close();
  }

  /** Builds a {@link LakeshelfEmbeddingStore}. */
  public static final class Builder {

    /** The vector name used when creating a collection and none is given. */
    public static final String DEFAULT_VECTOR_NAME = "body";

    private String baseUrl;
    private String apiKey;
    private String collectionName;
    private String vectorName;
    private Integer dimensions;
    private LakeshelfSimilarity similarity = LakeshelfSimilarity.COSINE;
    private boolean createIfMissing = true;
    private Duration connectTimeout = Duration.ofSeconds(10);
    private Duration requestTimeout = Duration.ofMinutes(3);
    private int batchSize = 1000;

    private Builder() {}

    /** Where Lakeshelf answers, such as {@code http://localhost:8080}. Required. */
    public Builder baseUrl(String baseUrl) {
      this.baseUrl = baseUrl;
      return this;
    }

    /** The API key, sent as {@code Authorization: Bearer <key>}; none for an open server. */
    public Builder apiKey(String apiKey) {
      this.apiKey = apiKey;
      return this;
    }

    /** The collection, {@code [a-z0-9][a-z0-9_-]{0,62}}. Required. */
    public Builder collectionName(String collectionName) {
      this.collectionName = collectionName;
      return this;
    }

    /**
     * The collection's named vector to use; by default the collection's only one, or {@value
     * #DEFAULT_VECTOR_NAME} when the store creates the collection.
     */
    public Builder vectorName(String vectorName) {
      this.vectorName = vectorName;
      return this;
    }

    /** The embeddings' dimensions: needed to create the collection, checked if it exists. */
    public Builder dimensions(Integer dimensions) {
      this.dimensions = dimensions;
      return this;
    }

    /** How a created collection's vector scores; cosine by default. */
    public Builder similarity(LakeshelfSimilarity similarity) {
      this.similarity = similarity;
      return this;
    }

    /** Whether to create the collection when it does not exist; true by default. */
    public Builder createIfMissing(boolean createIfMissing) {
      this.createIfMissing = createIfMissing;
      return this;
    }

    /** How long to wait for a connection; 10 s by default. */
    public Builder connectTimeout(Duration connectTimeout) {
      this.connectTimeout = connectTimeout;
      return this;
    }

    /**
     * How long to wait for an answer; 3 min by default (a write may wait up to 2 min for its turn
     * in a busy collection).
     */
    public Builder requestTimeout(Duration requestTimeout) {
      this.requestTimeout = requestTimeout;
      return this;
    }

    /** Most documents (or ids) sent in one write or delete; 1000 by default. */
    public Builder batchSize(int batchSize) {
      this.batchSize = batchSize;
      return this;
    }

    /**
     * Checks the settings, then reads the collection (creating it if missing and allowed).
     *
     * @throws IllegalArgumentException for missing or invalid settings, or a collection that does
     *     not fit them
     * @throws LakeshelfException when Lakeshelf refuses or cannot be reached
     */
    public LakeshelfEmbeddingStore build() {
      ensureNotBlank(baseUrl, "baseUrl");
      if (!baseUrl.startsWith("http://") && !baseUrl.startsWith("https://")) {
        throw new IllegalArgumentException(
            "baseUrl must be an http:// or https:// URL: " + baseUrl);
      }
      ensureNotBlank(collectionName, "collectionName");
      if (!COLLECTION_NAME.matcher(collectionName).matches()) {
        throw new IllegalArgumentException(
            "collectionName must match " + COLLECTION_NAME.pattern() + ": " + collectionName);
      }
      if (vectorName != null) {
        ensureNotBlank(vectorName, "vectorName");
      }
      if (dimensions != null && dimensions < 1) {
        throw new IllegalArgumentException("dimensions must be positive: " + dimensions);
      }
      ensureNotNull(similarity, "similarity");
      ensurePositive(connectTimeout, "connectTimeout");
      ensurePositive(requestTimeout, "requestTimeout");
      if (batchSize < 1) {
        throw new IllegalArgumentException("batchSize must be positive: " + batchSize);
      }
      if (apiKey != null && apiKey.isBlank()) {
        apiKey = null;
      }
      return new LakeshelfEmbeddingStore(this);
    }

    private static void ensurePositive(Duration d, String name) {
      ensureNotNull(d, name);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + " must be positive: " + d);
      }
    }
  }
}
