package io.lakeshelf.api.service;

import io.lakeshelf.api.catalog.CollectionLock;
import io.lakeshelf.api.catalog.CollectionMode;
import io.lakeshelf.api.catalog.CollectionRegistry;
import io.lakeshelf.api.catalog.ServedCollection;
import io.lakeshelf.api.config.LakeshelfProperties;
import io.lakeshelf.api.embed.Embeddings;
import io.lakeshelf.api.error.ApiException;
import io.lakeshelf.api.error.ErrorCode;
import io.lakeshelf.api.request.DocumentValidator;
import io.lakeshelf.api.request.FilterParser;
import io.lakeshelf.api.request.IngestRequest;
import io.lakeshelf.content.Document;
import io.lakeshelf.content.table.CommitResult;
import io.lakeshelf.index.VectorIndex;
import io.lakeshelf.index.filter.Filter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import tools.jackson.databind.JsonNode;

/**
 * The write path of managed collections: a batch is validated, the vectors its models make are
 * embedded, and under the collection's lock the existing rows are found through the primary index,
 * the batch committed in one Delta commit and, with {@code refresh}, the indexes synced to it.
 * Deletes by ids and by filter take the same way.
 */
@Service
public class WriteService {

  private static final Logger log = LoggerFactory.getLogger(WriteService.class);

  /** How long a write waits for the collection's lock (see {@link CollectionLock}). */
  static final Duration LOCK_WAIT = Duration.ofMinutes(2);

  private final CollectionRegistry registry;
  private final LakeshelfProperties properties;
  private final MeterRegistry meters;
  private final Embeddings embeddings;

  public WriteService(
      CollectionRegistry registry,
      LakeshelfProperties properties,
      MeterRegistry meters,
      Embeddings embeddings) {
    this.registry = registry;
    this.properties = properties;
    this.meters = meters;
    this.embeddings = embeddings;
  }

  /**
   * What a write did: the table version it answers (its commit's, or the table's when it changed
   * nothing), rows changed, and whether search shows it yet. A commit stands once it is in the
   * table's log, whatever fails after it: when the indexes cannot be brought to it at once (a full
   * disk, say), the write still answers its commit, {@code searchable} false, and the sync rounds
   * index it when they can.
   */
  public record Written(long tableVersion, int rows, boolean searchable) {}

  /**
   * Upserts a batch in one commit. With {@code refresh}, the indexes show it before this returns.
   */
  public Written upsert(String name, IngestRequest request, boolean refresh)
      throws IOException, InterruptedException {
    ServedCollection c = writable(name);
    Map<String, String> models = new LinkedHashMap<>();
    c.definition()
        .vectors()
        .forEach(
            (vector, d) -> {
              if (d.embed() != null) {
                models.put(vector, d.embed());
              }
            });
    List<Document> docs =
        fillEmbeddings(
            DocumentValidator.validate(
                request, c.vectorSpecs(), models.keySet(), properties.limits()),
            models);
    // An upsert that changed nothing answers the version it read (a delete, the version last seen).
    Written written = commit(c, () -> c.table().upsert(docs, c.rowFinder()), refresh, true);
    meters.counter("lakeshelf.ingest.rows", "collection", name).increment(written.rows());
    return written;
  }

  /** Deletes one document; 404 {@code DOCUMENT_NOT_FOUND} when there is none with the id. */
  public Written deleteOne(String name, String id, boolean refresh)
      throws IOException, InterruptedException {
    Written written = delete(writable(name), List.of(id), refresh);
    if (written.rows() == 0) {
      throw SearchService.notFound(name, id);
    }
    return written;
  }

  /**
   * Deletes, in one commit, the documents of {@code ids}, those {@code filter} matches, or with
   * {@code all} every document.
   */
  public Written deleteMany(
      String name, List<String> ids, JsonNode filter, Boolean all, boolean refresh)
      throws IOException, InterruptedException {
    ServedCollection c = writable(name);
    int given = (ids == null ? 0 : 1) + (filter == null ? 0 : 1) + (all == null ? 0 : 1);
    if (given != 1) {
      throw new ApiException(
          ErrorCode.INVALID_REQUEST,
          "send one of 'ids' (a list of ids), 'filter' or 'all' (true)"
              + (given > 1 ? ", not several" : ""));
    }
    if (all != null) {
      if (!all) {
        throw new ApiException(
            ErrorCode.INVALID_REQUEST, "'all' must be true (or left out for 'ids' or 'filter')");
      }
      return commit(c, () -> c.table().deleteAll(), refresh, false);
    }
    if (filter != null) {
      return deleteMatching(c, filter, refresh);
    }
    int max = properties.limits().maxDocuments();
    if (ids.isEmpty() || ids.size() > max) {
      throw new ApiException(
          ids.isEmpty() ? ErrorCode.INVALID_REQUEST : ErrorCode.PAYLOAD_TOO_LARGE,
          "'ids' must hold 1 to " + max + " ids");
    }
    for (String id : ids) {
      if (id == null || id.isBlank()) {
        throw new ApiException(ErrorCode.INVALID_REQUEST, "'ids' must not hold null or blank ids");
      }
    }
    return delete(c, new LinkedHashSet<>(ids), refresh);
  }

  /**
   * Deletes the rows a filter matches in the index (brought up to the table's latest version
   * first); at most {@code lakeshelf.limits.max-documents} rows per request.
   */
  private Written deleteMatching(ServedCollection c, JsonNode json, boolean refresh)
      throws IOException, InterruptedException {
    int depth = properties.limits().maxFilterDepth();
    Filter filter = new FilterParser(depth).parse(json);
    c.catchUpNow();
    int max = properties.limits().maxDocuments();
    List<String> ids;
    try (VectorIndex.View view = c.acquirePrimary()) {
      ids = view.matching(filter, depth, max + 1);
    }
    if (ids.size() > max) {
      throw new ApiException(
          ErrorCode.PAYLOAD_TOO_LARGE,
          "the filter matches more than "
              + max
              + " documents (lakeshelf.limits.max-documents); narrow it and repeat");
    }
    if (ids.isEmpty()) {
      return new Written(c.tableVersion().value(), 0, true);
    }
    return delete(c, new LinkedHashSet<>(ids), refresh);
  }

  private Written delete(ServedCollection c, Collection<String> ids, boolean refresh)
      throws IOException, InterruptedException {
    return commit(c, () -> c.table().delete(ids, c.rowFinder()), refresh, false);
  }

  private ServedCollection writable(String name) {
    ServedCollection c = registry.get(name);
    if (c.definition().mode() != CollectionMode.MANAGED) {
      throw new ApiException(
          ErrorCode.COLLECTION_READ_ONLY,
          "collection '" + name + "' is external: Lakeshelf only reads it");
    }
    return c;
  }

  private interface Commit {
    CommitResult run() throws IOException;
  }

  /** Commits under the collection's lock, then, with {@code refresh}, syncs the indexes to it. */
  private Written commit(
      ServedCollection c, Commit commit, boolean refresh, boolean unchangedAtRead)
      throws IOException, InterruptedException {
    c.lock().holdForRequest(CollectionLock.Holder.WRITE, LOCK_WAIT);
    try {
      CommitResult result = commit.run();
      if (!result.committed()) {
        return new Written(
            (unchangedAtRead ? result.version() : c.tableVersion()).value(), result.rows(), true);
      }
      c.sawTable(result.version());
      if (!refresh) {
        return new Written(result.version().value(), result.rows(), false);
      }
      try {
        c.syncTo(result.version());
        return new Written(result.version().value(), result.rows(), true);
      } catch (IOException | RuntimeException e) {
        log.warn(
            "Collection {}: version {} is committed but could not be indexed yet ({}); the next"
                + " sync round retries",
            c.name(),
            result.version(),
            e.toString());
        return new Written(result.version().value(), result.rows(), false);
      }
    } finally {
      c.lock().release();
    }
  }

  /**
   * Fills the vectors a model makes from the text that documents left out, all documents of the
   * batch in one call per model (batched on the model's pool).
   */
  private List<Document> fillEmbeddings(List<Document> docs, Map<String, String> models) {
    if (models.isEmpty()) {
      return docs;
    }
    List<Map<String, float[]>> vectors = new ArrayList<>();
    docs.forEach(d -> vectors.add(new LinkedHashMap<>(d.vectors())));
    for (Map.Entry<String, String> m : models.entrySet()) {
      List<Integer> missing = new ArrayList<>();
      List<String> texts = new ArrayList<>();
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
    List<Document> out = new ArrayList<>(docs.size());
    for (int i = 0; i < docs.size(); i++) {
      Document d = docs.get(i);
      out.add(
          new Document(
              d.id(),
              d.title(),
              d.text(),
              d.images(),
              vectors.get(i),
              d.metadata(),
              d.ingestedAt()));
    }
    return out;
  }
}
