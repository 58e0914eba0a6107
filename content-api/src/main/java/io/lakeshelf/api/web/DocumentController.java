package io.lakeshelf.api.web;

import io.lakeshelf.api.catalog.CollectionMode;
import io.lakeshelf.api.catalog.CollectionRegistry;
import io.lakeshelf.api.catalog.ServedCollection;
import io.lakeshelf.api.config.LakeshelfProperties;
import io.lakeshelf.api.error.ApiException;
import io.lakeshelf.api.error.ErrorCode;
import io.lakeshelf.content.Document;
import io.lakeshelf.content.rows.Projection;
import io.lakeshelf.content.table.CommitResult;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code /v1/collections/{name}/documents}: upsert, get and delete documents. */
@RestController
@io.swagger.v3.oas.annotations.tags.Tag(name = "documents")
@RequestMapping(path = "/v1/collections/{name}/documents", produces = "application/json")
public class DocumentController {

  /**
   * How a document id is written in a path (the parameter's OpenAPI description); {@link
   * DocumentIds} decodes it from the raw path, the path variable Spring decodes is not used.
   */
  static final String ID_RULE = "The document id, percent-encoded as RFC 3986 says (UTF-8): "
      + "`/`, `\\`, `%`, `?`, `#`, `;`, space and non-ASCII characters must be sent as %XX "
      + "(`a;v=2` as `a%3Bv%3D2`, `a/b` as `a%2Fb`); `.` and `..` as `%2E` and `%2E%2E`. "
      + "A raw `;`, a malformed escape or bytes that are not UTF-8 answer 400 INVALID_REQUEST.";

  private final CollectionRegistry registry;
  private final LakeshelfProperties properties;
  private final MeterRegistry meters;
  private final io.lakeshelf.api.embed.Embeddings embeddings;

  public DocumentController(
      CollectionRegistry registry, LakeshelfProperties properties, MeterRegistry meters,
      io.lakeshelf.api.embed.Embeddings embeddings) {
    this.registry = registry;
    this.properties = properties;
    this.meters = meters;
    this.embeddings = embeddings;
  }

  private ServedCollection writable(String name) {
    ServedCollection c = registry.get(name);
    if (c.definition().mode() != CollectionMode.MANAGED) {
      throw new ApiException(
          ErrorCode.COLLECTION_READ_ONLY, "collection '" + name + "' is external: Lakeshelf only reads it");
    }
    return c;
  }

  @io.swagger.v3.oas.annotations.Operation(operationId = "upsertDocuments", summary = "Upsert a batch of documents in one Delta commit")
  @io.swagger.v3.oas.annotations.responses.ApiResponse(responseCode = "200", description = "committed (and, unless refresh=false, searchable)", useReturnTypeSchema = true)
  @PostMapping
  public WriteResponses.Upserted upsert(
      @PathVariable String name,
      @RequestParam(defaultValue = "true") boolean refresh,
      @RequestBody IngestRequest request)
      throws IOException, InterruptedException {
    ServedCollection c = writable(name);
    Map<String, String> models = new java.util.LinkedHashMap<>();
    c.definition().vectors().forEach((vector, d) -> {
      if (d.embed() != null) {
        models.put(vector, d.embed());
      }
    });
    List<Document> docs = fillEmbeddings(
        DocumentValidator.validate(request, c.vectorSpecs(), models.keySet(), properties.limits()), models);
    ServedCollection.Written written = c.upsert(docs, refresh);
    CommitResult result = written.commit();
    meters.counter("lakeshelf.ingest.rows", "collection", name).increment(result.rows());
    return new WriteResponses.Upserted(result.version().value(), result.rows(), written.searchable());
  }

  /**
   * Fills the vectors a model makes from the text that documents left out, all documents of the
   * batch in one call per model (batched on the model's pool).
   */
  private List<Document> fillEmbeddings(List<Document> docs, Map<String, String> models) {
    if (models.isEmpty()) {
      return docs;
    }
    List<Map<String, float[]>> vectors = new java.util.ArrayList<>();
    docs.forEach(d -> vectors.add(new java.util.LinkedHashMap<>(d.vectors())));
    for (Map.Entry<String, String> m : models.entrySet()) {
      List<Integer> missing = new java.util.ArrayList<>();
      List<String> texts = new java.util.ArrayList<>();
      for (int i = 0; i < docs.size(); i++) {
        if (!docs.get(i).vectors().containsKey(m.getKey())) {
          missing.add(i);
          texts.add(DocumentValidator.embeddingInput(docs.get(i).title(), docs.get(i).text()));
        }
      }
      float[][] made = embeddings.embed(m.getValue(), texts);
      for (int j = 0; j < missing.size(); j++) {
        vectors.get(missing.get(j)).put(m.getKey(), made[j]);
      }
    }
    List<Document> out = new java.util.ArrayList<>(docs.size());
    for (int i = 0; i < docs.size(); i++) {
      Document d = docs.get(i);
      out.add(new Document(d.id(), d.title(), d.text(), d.images(), vectors.get(i), d.metadata(), d.ingestedAt()));
    }
    return out;
  }

  @io.swagger.v3.oas.annotations.Operation(operationId = "getDocument", summary = "Get a document by id")
  @GetMapping("/{id}")
  public Map<String, Object> get(
      @PathVariable String name,
      @PathVariable("id") @io.swagger.v3.oas.annotations.Parameter(description = ID_RULE) String routedId,
      @RequestParam(required = false) List<String> include,
      HttpServletRequest request)
      throws IOException {
    String id = DocumentIds.fromPath(request);
    ServedCollection c = registry.get(name);
    Projection projection =
        include != null && include.contains("vectors") ? Projection.ALL : Projection.DEFAULT;
    ServedCollection.Found found = c.find(id, projection).orElseThrow(() -> notFound(name, id));
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("id", found.document().id());
    json.putAll(DocumentJson.of(found.document(), projection));
    json.put("tableVersion", found.version().value());
    return json;
  }

  @io.swagger.v3.oas.annotations.Operation(operationId = "deleteDocument", summary = "Delete a document by id")
  @DeleteMapping("/{id}")
  public WriteResponses.Deleted delete(
      @PathVariable String name,
      @PathVariable("id") @io.swagger.v3.oas.annotations.Parameter(description = ID_RULE) String routedId,
      @RequestParam(defaultValue = "true") boolean refresh,
      HttpServletRequest request)
      throws IOException, InterruptedException {
    String id = DocumentIds.fromPath(request);
    ServedCollection c = writable(name);
    ServedCollection.Written written = c.delete(List.of(id), refresh);
    CommitResult result = written.commit();
    if (result.rows() == 0) {
      throw notFound(name, id);
    }
    return new WriteResponses.Deleted(result.version().value(), result.rows(), written.searchable());
  }

  @io.swagger.v3.oas.annotations.Operation(operationId = "deleteDocuments", summary = "Delete documents by ids in one commit")
  @PostMapping("/delete")
  public WriteResponses.Deleted deleteMany(
      @PathVariable String name,
      @RequestParam(defaultValue = "true") boolean refresh,
      @RequestBody DeleteRequest request)
      throws IOException, InterruptedException {
    ServedCollection c = writable(name);
    if (request == null || (request.ids() == null && request.filter() == null)) {
      throw new ApiException(ErrorCode.INVALID_REQUEST, "send 'ids' (a list of ids) or 'filter'");
    }
    if (request.filter() != null && request.ids() != null) {
      throw new ApiException(ErrorCode.INVALID_REQUEST, "send 'ids' or 'filter', not both");
    }
    if (request.filter() != null) {
      return deleteMatching(c, request.filter(), refresh);
    }
    if (request.ids().isEmpty() || request.ids().size() > properties.limits().maxDocuments()) {
      throw new ApiException(
          request.ids().isEmpty() ? ErrorCode.INVALID_REQUEST : ErrorCode.PAYLOAD_TOO_LARGE,
          "'ids' must hold 1 to " + properties.limits().maxDocuments() + " ids");
    }
    for (String id : request.ids()) {
      if (id == null || id.isBlank()) {
        throw new ApiException(ErrorCode.INVALID_REQUEST, "'ids' must not hold null or blank ids");
      }
    }
    ServedCollection.Written written = c.delete(new LinkedHashSet<>(request.ids()), refresh);
    CommitResult result = written.commit();
    return new WriteResponses.Deleted(
        (result.committed() ? result.version() : c.tableVersion()).value(), result.rows(), written.searchable());
  }

  /**
   * Deletes, in one commit, the rows a filter matches in the index (brought up to the table's
   * latest version first); at most {@code lakeshelf.limits.max-documents} rows per request.
   */
  private WriteResponses.Deleted deleteMatching(ServedCollection c, tools.jackson.databind.JsonNode json, boolean refresh)
      throws IOException, InterruptedException {
    io.lakeshelf.index.filter.Filter filter =
        new FilterParser(properties.limits().maxFilterDepth()).parse(json);
    c.catchUpNow();
    int max = properties.limits().maxDocuments();
    List<String> ids;
    try (io.lakeshelf.index.VectorIndex.View view = c.acquirePrimary()) {
      ids = view.matching(filter, properties.limits().maxFilterDepth(), max + 1);
    } catch (io.lakeshelf.index.filter.FilterException e) {
      throw new ApiException(ErrorCode.valueOf(e.code().name()), e.getMessage());
    }
    if (ids.size() > max) {
      throw new ApiException(ErrorCode.PAYLOAD_TOO_LARGE, "the filter matches more than " + max
          + " documents (lakeshelf.limits.max-documents); narrow it and repeat");
    }
    if (ids.isEmpty()) {
      return new WriteResponses.Deleted(c.tableVersion().value(), 0, true);
    }
    ServedCollection.Written written = c.delete(new LinkedHashSet<>(ids), refresh);
    CommitResult result = written.commit();
    return new WriteResponses.Deleted(
        (result.committed() ? result.version() : c.tableVersion()).value(), result.rows(), written.searchable());
  }

  private static ApiException notFound(String name, String id) {
    return new ApiException(
        ErrorCode.DOCUMENT_NOT_FOUND, "collection '" + name + "' has no document '" + id + "'");
  }
}
