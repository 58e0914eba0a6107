package io.lakeshelf.springai;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.ai.document.Document;
import org.springframework.ai.document.DocumentMetadata;
import org.springframework.ai.embedding.EmbeddingModel;
import org.springframework.ai.embedding.EmbeddingOptions;
import org.springframework.ai.vectorstore.AbstractVectorStoreBuilder;
import org.springframework.ai.vectorstore.SearchRequest;
import org.springframework.ai.vectorstore.filter.Filter;
import org.springframework.ai.vectorstore.observation.AbstractObservationVectorStore;
import org.springframework.ai.vectorstore.observation.VectorStoreObservationContext;
import org.springframework.beans.factory.InitializingBean;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * A Spring AI {@link org.springframework.ai.vectorstore.VectorStore} over one collection of a
 * Lakeshelf service, through its REST API ({@link LakeshelfApiClient}).
 *
 * <p><b>Embedding on the client.</b> Documents and queries are embedded here, with the {@link
 * EmbeddingModel} the builder takes (and its {@link org.springframework.ai.embedding
 * .BatchingStrategy}), and their vectors are sent to the collection's named vector ({@link
 * Builder#vectorName}). That is how every Spring AI store works, and it lets the application use
 * any model Spring AI offers, whatever models the Lakeshelf deployment bundles; observations report
 * that model's dimensions. A server-side mode (a collection whose vector has {@code "embed":
 * "all-minilm-l6-v2"}, documents and queries sent as text) was left out: the store would then
 * silently ignore the {@code EmbeddingModel} Spring AI's builder requires, and query and document
 * vectors could come from two different models without anyone noticing.
 *
 * <p><b>Operations.</b> {@link #add} upserts by id (Spring AI's ids, UUIDs by default), {@link
 * #getMaxDocumentsPerRequest()} documents per request, each request one Delta commit that answers
 * once the index shows it: a search right after an add sees it. {@link #delete(List)} deletes by
 * id, {@link #delete(Filter.Expression)} (and {@code delete("country == 'BG'")}) by a filter, in
 * one commit; the server deletes at most its {@code lakeshelf.limits.max-documents} rows by filter
 * and refuses (413) a filter that matches more.
 *
 * <p><b>Search.</b> {@link #similaritySearch} sends the query's vector, {@code topK} as {@code k}
 * (the server allows at most {@code lakeshelf.limits.max-k}, 1000 by default) and the filter
 * translated by {@link LakeshelfFilterExpressionConverter}; hits come back best first with their
 * text and metadata, {@link Document#getScore()} the collection's score and the metadata {@code
 * distance} {@code 1 - score}, as Spring AI's stores report them.
 *
 * <p><b>Similarity threshold.</b> For a {@link LakeshelfSimilarity#COSINE cosine} collection (the
 * default) Lakeshelf's score is the cosine similarity, in -1..1, the same number Spring AI's own
 * {@code SimpleVectorStore}, pgvector and Qdrant stores compare their threshold with. A threshold
 * {@code t} in 0..1 is therefore sent as {@code minScore: t} (keep hits whose cosine is at least
 * {@code t}). The one exception is {@link SearchRequest#SIMILARITY_THRESHOLD_ACCEPT_ALL} (0, what
 * {@code similarityThresholdAll()} sets): it sends no {@code minScore}, so that hits with a
 * negative cosine come back too and "all" means all. For {@code dot} and {@code l2} collections the
 * threshold compares with their score (the inner product; {@code 1 / (1 + d²)}) the same way.
 *
 * <p><b>Schema.</b> With {@link Builder#initializeSchema(boolean) initializeSchema(true)}, {@link
 * #afterPropertiesSet()} (called by Spring for a bean; call it yourself otherwise) creates the
 * collection if it is missing, with one vector of {@link Builder#dimensions(int) dimensions} (the
 * model's by default) and {@link Builder#similarity similarity}, and checks an existing one has
 * that vector with those dimensions.
 *
 * <p>Metadata keeps its JSON type (see {@link MetadataValues} for how Java values map). Safe for
 * concurrent use.
 */
public class LakeshelfVectorStore extends AbstractObservationVectorStore
    implements InitializingBean {

  /** The collection used when none is set: {@value}. */
  public static final String DEFAULT_COLLECTION_NAME = "vector_store";

  /** The named vector used when none is set: {@value}. */
  public static final String DEFAULT_VECTOR_NAME = "body";

  /** Documents sent per ingest or ids per delete request when not set: {@value}. */
  public static final int DEFAULT_MAX_DOCUMENTS_PER_REQUEST = 500;

  /** The {@code db.system} observations carry: {@value}. */
  public static final String PROVIDER = "lakeshelf";

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final Log log = LogFactory.getLog(LakeshelfVectorStore.class);

  private final LakeshelfApiClient client;
  private final String collectionName;
  private final String vectorName;
  private final Integer configuredDimensions;
  private final LakeshelfSimilarity similarity;
  private final boolean initializeSchema;
  private final int maxDocumentsPerRequest;
  private final LakeshelfFilterExpressionConverter filters =
      new LakeshelfFilterExpressionConverter();
  private volatile Integer modelDimensions;

  /** A store as {@code builder} describes it; see {@link #builder}. */
  protected LakeshelfVectorStore(Builder builder) {
    super(builder);
    this.client = builder.client;
    this.collectionName = builder.collectionName;
    this.vectorName = builder.vectorName;
    this.configuredDimensions = builder.dimensions;
    this.similarity = builder.similarity;
    this.initializeSchema = builder.initializeSchema;
    this.maxDocumentsPerRequest = builder.maxDocumentsPerRequest;
  }

  /** A builder of a store over {@code client}'s service that embeds with {@code embeddingModel}. */
  public static Builder builder(LakeshelfApiClient client, EmbeddingModel embeddingModel) {
    return new Builder(client, embeddingModel);
  }

  @Override
  public void doAdd(List<Document> documents) {
    if (documents.isEmpty()) {
      return;
    }
    List<float[]> embeddings =
        embeddingModel.embed(documents, EmbeddingOptions.builder().build(), batchingStrategy);
    if (embeddings.size() != documents.size()) {
      throw new IllegalStateException(
          "the embedding model returned "
              + embeddings.size()
              + " vectors for "
              + documents.size()
              + " documents");
    }
    for (int from = 0; from < documents.size(); from += maxDocumentsPerRequest) {
      int to = Math.min(documents.size(), from + maxDocumentsPerRequest);
      ArrayNode batch = NODES.arrayNode();
      for (int i = from; i < to; i++) {
        batch.add(toJson(documents.get(i), embeddings.get(i)));
      }
      JsonNode answer = client.upsert(collectionName, batch);
      if (answer.path("searchable").isBoolean() && !answer.path("searchable").booleanValue()) {
        // Committed (the answer is 200), but the index could not take it at once (a full disk,
        // say): the collection's sync indexes it later. Searches may miss it until then.
        log.warn(
            "Lakeshelf committed "
                + batch.size()
                + " documents to '"
                + collectionName
                + "' at table version "
                + answer.path("tableVersion").asString("?")
                + " but they are not searchable yet; the index will catch up");
      }
    }
  }

  private ObjectNode toJson(Document document, float[] embedding) {
    ObjectNode json = NODES.objectNode();
    json.put("id", document.getId());
    if (document.getText() != null) {
      json.put("text", document.getText());
    }
    ArrayNode vector = json.putObject("vectors").putArray(vectorName);
    for (float f : embedding) {
      vector.add(f);
    }
    try {
      json.set("metadata", MetadataValues.toJson(document.getMetadata()));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "document '" + document.getId() + "': " + e.getMessage(), e);
    }
    return json;
  }

  @Override
  public void doDelete(List<String> ids) {
    Objects.requireNonNull(ids, "ids");
    for (int from = 0; from < ids.size(); from += maxDocumentsPerRequest) {
      client.deleteByIds(
          collectionName, ids.subList(from, Math.min(ids.size(), from + maxDocumentsPerRequest)));
    }
  }

  @Override
  protected void doDelete(Filter.Expression filterExpression) {
    Objects.requireNonNull(filterExpression, "filterExpression");
    client.deleteByFilter(collectionName, filters.toJson(filterExpression));
  }

  @Override
  public List<Document> doSimilaritySearch(SearchRequest request) {
    if (request.getTopK() <= 0) {
      return List.of();
    }
    float[] query = embeddingModel.embed(request.getQuery());
    ObjectNode body = NODES.objectNode();
    ArrayNode vector = body.putArray("vector");
    for (float f : query) {
      vector.add(f);
    }
    body.put("using", vectorName);
    body.put("k", request.getTopK());
    if (request.getFilterExpression() != null) {
      body.set("filter", filters.toJson(request.getFilterExpression()));
    }
    if (request.getSimilarityThreshold() != SearchRequest.SIMILARITY_THRESHOLD_ACCEPT_ALL) {
      body.put("minScore", request.getSimilarityThreshold());
    }
    body.putArray("include").add("text").add("metadata");
    JsonNode answer = client.search(collectionName, body);
    List<Document> documents = new ArrayList<>();
    for (JsonNode hit : answer.path("hits")) {
      documents.add(toDocument(hit));
    }
    return documents;
  }

  private static Document toDocument(JsonNode hit) {
    double score = hit.path("score").asDouble();
    JsonNode doc = hit.path("document");
    Map<String, Object> metadata = MetadataValues.fromJson(doc.path("metadata"));
    metadata.put(DocumentMetadata.DISTANCE.value(), 1 - score);
    String text = doc.path("text").isString() ? doc.path("text").stringValue() : "";
    return Document.builder()
        .id(hit.path("id").stringValue())
        .text(text)
        .metadata(metadata)
        .score(score)
        .build();
  }

  /**
   * Creates the collection if it is missing and {@code initializeSchema} is set; checks that an
   * existing one has the vector with these dimensions.
   *
   * @throws IllegalStateException if the existing collection has no such vector or other dimensions
   */
  @Override
  public void afterPropertiesSet() {
    if (!initializeSchema) {
      return;
    }
    int dims = dimensions();
    Optional<JsonNode> existing = client.findCollection(collectionName);
    if (existing.isEmpty()) {
      ObjectNode definition = NODES.objectNode();
      definition
          .putObject("vectors")
          .putObject(vectorName)
          .put("dimensions", dims)
          .put("similarity", similarity.wireName());
      client.putCollection(collectionName, definition);
      return;
    }
    JsonNode vector = existing.get().path("vectors").path(vectorName);
    if (!vector.isObject()) {
      throw new IllegalStateException(
          "collection '"
              + collectionName
              + "' has no vector '"
              + vectorName
              + "'; its vectors are "
              + existing.get().path("vectors").propertyNames());
    }
    JsonNode existingDims = vector.path("dimensions");
    if (existingDims.isNumber() && existingDims.asInt() != dims) {
      throw new IllegalStateException(
          "vector '"
              + vectorName
              + "' of collection '"
              + collectionName
              + "' has "
              + existingDims.asInt()
              + " dimensions; the store embeds with "
              + dims);
    }
  }

  @Override
  public VectorStoreObservationContext.Builder createObservationContextBuilder(
      String operationName) {
    return VectorStoreObservationContext.builder(PROVIDER, operationName)
        .collectionName(collectionName)
        .dimensions(dimensions())
        .fieldName(vectorName)
        .similarityMetric(similarity.metric().value());
  }

  /** The vectors' length: the configured dimensions, else the embedding model's (asked once). */
  public int dimensions() {
    if (configuredDimensions != null) {
      return configuredDimensions;
    }
    Integer d = modelDimensions;
    if (d == null) {
      d = embeddingModel.dimensions();
      modelDimensions = d;
    }
    return d;
  }

  /** The collection this store reads and writes. */
  public String getCollectionName() {
    return collectionName;
  }

  /** The collection's named vector this store writes and searches. */
  public String getVectorName() {
    return vectorName;
  }

  /** The similarity a collection is created with. */
  public LakeshelfSimilarity getSimilarity() {
    return similarity;
  }

  /** Documents per ingest request, ids per delete request. */
  public int getMaxDocumentsPerRequest() {
    return maxDocumentsPerRequest;
  }

  /** The {@link LakeshelfApiClient}. */
  @Override
  public <T> Optional<T> getNativeClient() {
    @SuppressWarnings("unchecked")
    T native_ = (T) client;
    return Optional.of(native_);
  }

  /** Builds a {@link LakeshelfVectorStore}; only the client and the model are required. */
  public static final class Builder extends AbstractVectorStoreBuilder<Builder> {

    private final LakeshelfApiClient client;
    private String collectionName = DEFAULT_COLLECTION_NAME;
    private String vectorName = DEFAULT_VECTOR_NAME;
    private Integer dimensions;
    private LakeshelfSimilarity similarity = LakeshelfSimilarity.COSINE;
    private boolean initializeSchema;
    private int maxDocumentsPerRequest = DEFAULT_MAX_DOCUMENTS_PER_REQUEST;

    private Builder(LakeshelfApiClient client, EmbeddingModel embeddingModel) {
      super(embeddingModel);
      this.client = Objects.requireNonNull(client, "client");
    }

    /**
     * The collection (default {@value #DEFAULT_COLLECTION_NAME}).
     *
     * @throws IllegalArgumentException for a name the service refuses
     */
    public Builder collectionName(String collectionName) {
      Objects.requireNonNull(collectionName, "collectionName");
      if (!LakeshelfApiClient.COLLECTION_NAME.matcher(collectionName).matches()) {
        throw new IllegalArgumentException(
            "invalid collection name '"
                + collectionName
                + "': use "
                + LakeshelfApiClient.COLLECTION_NAME.pattern());
      }
      this.collectionName = collectionName;
      return this;
    }

    /** The collection's named vector (default {@value #DEFAULT_VECTOR_NAME}). */
    public Builder vectorName(String vectorName) {
      Objects.requireNonNull(vectorName, "vectorName");
      if (vectorName.isBlank()) {
        throw new IllegalArgumentException("vectorName must not be blank");
      }
      this.vectorName = vectorName;
      return this;
    }

    /** The vectors' length (default: the embedding model's {@code dimensions()}). */
    public Builder dimensions(int dimensions) {
      if (dimensions < 1) {
        throw new IllegalArgumentException("dimensions must be positive: " + dimensions);
      }
      this.dimensions = dimensions;
      return this;
    }

    /** The similarity a collection is created with (default cosine). */
    public Builder similarity(LakeshelfSimilarity similarity) {
      this.similarity = Objects.requireNonNull(similarity, "similarity");
      return this;
    }

    /** Whether {@link #afterPropertiesSet()} creates a missing collection (default false). */
    public Builder initializeSchema(boolean initializeSchema) {
      this.initializeSchema = initializeSchema;
      return this;
    }

    /**
     * Documents per ingest request and ids per delete request (default {@value
     * #DEFAULT_MAX_DOCUMENTS_PER_REQUEST}; the server takes at most its {@code
     * lakeshelf.limits.max-documents}, 1000 by default).
     */
    public Builder maxDocumentsPerRequest(int maxDocumentsPerRequest) {
      if (maxDocumentsPerRequest < 1) {
        throw new IllegalArgumentException(
            "maxDocumentsPerRequest must be positive: " + maxDocumentsPerRequest);
      }
      this.maxDocumentsPerRequest = maxDocumentsPerRequest;
      return this;
    }

    @Override
    public LakeshelfVectorStore build() {
      return new LakeshelfVectorStore(this);
    }
  }
}
