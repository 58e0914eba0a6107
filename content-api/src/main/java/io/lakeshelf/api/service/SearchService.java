package io.lakeshelf.api.service;

import io.lakeshelf.api.catalog.CollectionRegistry;
import io.lakeshelf.api.catalog.ServedCollection;
import io.lakeshelf.api.config.LakeshelfProperties;
import io.lakeshelf.api.embed.Embeddings;
import io.lakeshelf.api.error.ApiException;
import io.lakeshelf.api.error.ErrorCode;
import io.lakeshelf.api.request.FilterParser;
import io.lakeshelf.api.request.SearchRequest;
import io.lakeshelf.content.Document;
import io.lakeshelf.content.RowLocator;
import io.lakeshelf.content.TableVersion;
import io.lakeshelf.content.rows.DocumentReader;
import io.lakeshelf.content.rows.Projection;
import io.lakeshelf.content.table.TableSnapshot;
import io.lakeshelf.index.IndexQuery;
import io.lakeshelf.index.SearchHit;
import io.lakeshelf.index.SearchMode;
import io.lakeshelf.index.VectorIndex;
import io.lakeshelf.index.filter.Filter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.springframework.stereotype.Service;

/**
 * The read path, live and past versions alike: a search request is checked, its text embedded when
 * it searches by meaning without a vector, run on the serving index (or, with {@code asOfVersion},
 * on an in-memory index of that version, exactly), and its hits joined to their rows as the table
 * holds them at the version searched. Reads by id go through the primary index.
 */
@Service
public class SearchService {

  private final CollectionRegistry registry;
  private final LakeshelfProperties properties;
  private final MeterRegistry meters;
  private final Embeddings embeddings;

  public SearchService(
      CollectionRegistry registry,
      LakeshelfProperties properties,
      MeterRegistry meters,
      Embeddings embeddings) {
    this.registry = registry;
    this.properties = properties;
    this.meters = meters;
    this.embeddings = embeddings;
  }

  /** A hit with its row. */
  public record Hit(SearchHit hit, Document document) {}

  /**
   * What a search found: hits with rows, best first, as the table holds them at {@code version}.
   */
  public record Result(List<Hit> hits, long version, Projection projection, long tookNanos) {}

  /** A document read by id, with the table version it was read at. */
  public record Found(Document document, TableVersion version) {}

  public Result search(String name, SearchRequest request) throws IOException {
    Executed e = execute(name, request);
    Timer.builder("lakeshelf.search")
        .tag("collection", name)
        .tag("mode", e.mode().wireName())
        .publishPercentileHistogram()
        .register(meters)
        .record(e.result().tookNanos(), TimeUnit.NANOSECONDS);
    return e.result();
  }

  /**
   * Runs a search exactly as {@link #search} does, without counting it in the {@code
   * lakeshelf.search} metric: for the service's warm-up at start, which no client asked for.
   */
  public Result searchUnrecorded(String name, SearchRequest request) throws IOException {
    return execute(name, request).result();
  }

  private record Executed(Result result, SearchMode mode) {}

  private Executed execute(String name, SearchRequest request) throws IOException {
    long start = System.nanoTime();
    ServedCollection c = registry.get(name);
    if (request == null) {
      throw new ApiException(ErrorCode.INVALID_REQUEST, "a body is required");
    }
    SearchMode mode;
    try {
      mode = request.mode() == null ? SearchMode.VECTOR : SearchMode.fromWireName(request.mode());
    } catch (IllegalArgumentException e) {
      throw new ApiException(ErrorCode.INVALID_REQUEST, "'mode': " + e.getMessage());
    }
    int k = request.k() == null ? 10 : request.k();
    int maxK = properties.limits().maxK();
    if (k < 1 || k > maxK) {
      throw new ApiException(ErrorCode.INVALID_REQUEST, "'k' must be between 1 and " + maxK);
    }
    float minScore = request.minScore() == null ? Float.NEGATIVE_INFINITY : request.minScore();
    if (!Float.isFinite(minScore) && request.minScore() != null) {
      throw new ApiException(ErrorCode.INVALID_REQUEST, "'minScore' must be a finite number");
    }
    int maxText = properties.limits().maxTextLength();
    if (request.text() != null && (request.text().isBlank() || request.text().length() > maxText)) {
      throw new ApiException(
          ErrorCode.INVALID_REQUEST,
          "'text' must be non-blank and at most " + maxText + " characters");
    }
    Projection projection;
    try {
      projection =
          request.include() == null
              ? Projection.DEFAULT
              : Projection.of(new HashSet<>(request.include()));
    } catch (IllegalArgumentException e) {
      throw new ApiException(ErrorCode.INVALID_REQUEST, "'include': " + e.getMessage());
    }
    checkColumns(c, projection);
    VectorIndex index = c.index(request.using());
    int depth = properties.limits().maxFilterDepth();
    Filter filter =
        request.filter() == null || request.filter().isNull()
            ? null
            : new FilterParser(depth).parse(request.filter());
    if (mode != SearchMode.VECTOR && request.text() == null) {
      throw new ApiException(ErrorCode.INVALID_REQUEST, mode.wireName() + " search needs 'text'");
    }
    float[] vector = mode == SearchMode.KEYWORD ? request.vector() : queryVector(c, index, request);
    if (index.version().isNone()) {
      if (c.failure() != null) {
        throw new ApiException(
            ErrorCode.TABLE_UNREADABLE, "cannot index the table: " + c.failure());
      }
      throw new ApiException(
          ErrorCode.REINDEX_IN_PROGRESS,
          "the index of collection '" + name + "' is being built; retry soon");
    }
    IndexQuery query =
        new IndexQuery(
            mode,
            vector,
            request.text(),
            filter,
            k,
            Math.max(k, properties.search().candidates()),
            minScore,
            false,
            depth);
    return new Executed(
        run(c, request.using(), request.asOfVersion(), query, projection, start), mode);
  }

  /**
   * The vector searched by meaning: the request's, or its text embedded with the vector's model.
   */
  private float[] queryVector(ServedCollection c, VectorIndex index, SearchRequest request) {
    float[] vector = request.vector();
    if (vector == null && request.text() == null) {
      throw new ApiException(ErrorCode.INVALID_REQUEST, "send 'vector' or 'text'");
    }
    if (vector == null) {
      String model = c.definition().vectors().get(index.spec().name()).embed();
      if (model == null) {
        throw new ApiException(
            ErrorCode.INVALID_REQUEST,
            "vector '"
                + index.spec().name()
                + "' has no embedding model ('embed'), so 'text' cannot be searched by meaning:"
                + " send 'vector'");
      }
      vector = embeddings.embed(model, List.of(request.text()))[0];
    }
    index.spec().check(vector);
    return vector;
  }

  /** Searches the serving index, or the version asked for when the index serves another one. */
  private Result run(
      ServedCollection c,
      String using,
      Long asOf,
      IndexQuery query,
      Projection projection,
      long start)
      throws IOException {
    List<SearchHit> hits;
    long version;
    try (VectorIndex.View view = c.acquire(using)) {
      version = view.version().value();
      hits = asOf == null || asOf == version ? view.search(query) : null;
    }
    Map<RowLocator, Document> rows;
    if (hits != null) {
      rows = projection.idsOnly() ? fromIndex(hits) : c.rows().read(locators(hits), projection);
    } else {
      if (asOf < 0 || asOf > c.tableVersion().value()) {
        throw new ApiException(
            ErrorCode.VERSION_NOT_AVAILABLE,
            "the table has no version "
                + asOf
                + " (its latest is "
                + c.tableVersion().value()
                + ")");
      }
      version = asOf;
      TableSnapshot snapshot = pastSnapshot(c, TableVersion.of(asOf));
      try (VectorIndex.View view =
          c.pastVersions().acquire(c, c.index(using), snapshot, c.table().columns())) {
        hits = view.search(query.exactly());
      }
      DocumentReader reader =
          new DocumentReader(snapshot, c.table().columns(), c.vectorSpecs(), c.readExecutor());
      rows = projection.idsOnly() ? fromIndex(hits) : reader.read(locators(hits), projection);
    }
    List<Hit> out = new ArrayList<>(hits.size());
    for (SearchHit hit : hits) {
      Document d = rows.get(hit.locator());
      if (d != null) {
        out.add(new Hit(hit, d));
      }
    }
    return new Result(out, version, projection, System.nanoTime() - start);
  }

  /**
   * An older version of the table, for time travel: 404 {@code VERSION_NOT_AVAILABLE} when it
   * cannot be read any more (its log or data files were cleaned up).
   */
  private static TableSnapshot pastSnapshot(ServedCollection c, TableVersion version) {
    try {
      return c.table().at(version);
    } catch (RuntimeException e) {
      throw new ApiException(
          ErrorCode.VERSION_NOT_AVAILABLE,
          "version " + version.value() + " of the table cannot be read: " + e.getMessage());
    }
  }

  /**
   * The documents of hits that ask for no part ({@code "include": []}): the id and {@code
   * ingestedAt}, both as the index holds them for the row (an index is built from the row's
   * immutable data file, so they are the table's at the index's version), without reading the
   * table: on S3 such a search makes no request at all.
   */
  private static Map<RowLocator, Document> fromIndex(List<SearchHit> hits) {
    Map<RowLocator, Document> out = new HashMap<>(hits.size() * 2);
    for (SearchHit h : hits) {
      out.put(
          h.locator(),
          new Document(h.id(), null, null, List.of(), Map.of(), null, h.ingestedAt(), Map.of()));
    }
    return out;
  }

  private static List<RowLocator> locators(List<SearchHit> hits) {
    return hits.stream().map(SearchHit::locator).toList();
  }

  /**
   * The document with this id as the table holds it at the primary index's version, reading only
   * the parts the projection asks for; empty when there is no such live row.
   */
  public Optional<Found> find(String name, String id, Projection projection) {
    return find(registry.get(name), id, projection);
  }

  /**
   * The projection of a get: every part, the vectors only when {@code include} names them, and the
   * table columns it names beside the parts.
   *
   * @throws ApiException 400 {@code INVALID_REQUEST} for a name that is neither a part nor a column
   */
  public Projection getProjection(String name, List<String> include) {
    if (include == null || include.isEmpty()) {
      return Projection.DEFAULT;
    }
    Projection named;
    try {
      named = Projection.of(include);
    } catch (IllegalArgumentException e) {
      throw new ApiException(ErrorCode.INVALID_REQUEST, "'include': " + e.getMessage());
    }
    Projection p =
        (named.vectors() ? Projection.ALL : Projection.DEFAULT).withColumns(named.columns());
    checkColumns(registry.get(name), p);
    return p;
  }

  /** 400 {@code INVALID_REQUEST} naming a projected column the collection's table does not have. */
  private static void checkColumns(ServedCollection c, Projection p) {
    for (String column : p.columns()) {
      if (!c.rows().hasColumn(column)) {
        throw new ApiException(
            ErrorCode.INVALID_REQUEST,
            "'include': '"
                + column
                + "' is neither a part (title, text, images, metadata, vectors) nor a column of"
                + " the table");
      }
    }
  }

  /** 404 {@code DOCUMENT_NOT_FOUND}. */
  public static ApiException notFound(String name, String id) {
    return new ApiException(
        ErrorCode.DOCUMENT_NOT_FOUND, "collection '" + name + "' has no document '" + id + "'");
  }

  static Optional<Found> find(ServedCollection c, String id, Projection projection) {
    try (VectorIndex.View view = c.acquirePrimary()) {
      List<RowLocator> found = view.find(List.of(id)).get(id);
      RowLocator locator = found == null ? null : found.get(0);
      if (locator == null) {
        return Optional.empty();
      }
      Document d = c.rows().read(List.of(locator), projection).get(locator);
      return Optional.ofNullable(d).map(doc -> new Found(doc, view.version()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
