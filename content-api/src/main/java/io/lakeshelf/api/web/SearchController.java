package io.lakeshelf.api.web;

import io.lakeshelf.api.catalog.CollectionRegistry;
import io.lakeshelf.api.catalog.ServedCollection;
import io.lakeshelf.api.config.LakeshelfProperties;
import io.lakeshelf.api.error.ApiException;
import io.lakeshelf.api.error.ErrorCode;
import io.lakeshelf.content.Document;
import io.lakeshelf.content.RowLocator;
import io.lakeshelf.content.rows.Projection;
import io.lakeshelf.index.SearchHit;
import io.lakeshelf.index.VectorIndex;
import io.lakeshelf.index.IndexQuery;
import io.lakeshelf.index.SearchMode;
import io.lakeshelf.index.filter.Filter;
import io.lakeshelf.index.filter.FilterException;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /v1/collections/{name}/search}: vector, keyword (BM25) or hybrid (reciprocal rank
 * fusion) search, optionally filtered, of a {@code vector} or a {@code text} (embedded with the
 * vector's model), then the join: each hit's row read from its data file (grouped by file, files in
 * parallel) as the table holds it at the index's version, or at {@code asOfVersion}.
 */
@RestController
@io.swagger.v3.oas.annotations.tags.Tag(name = "search")
public class SearchController {

  private final CollectionRegistry registry;
  private final LakeshelfProperties properties;
  private final MeterRegistry meters;
  private final io.lakeshelf.api.embed.Embeddings embeddings;

  public SearchController(
      CollectionRegistry registry, LakeshelfProperties properties, MeterRegistry meters,
      io.lakeshelf.api.embed.Embeddings embeddings) {
    this.registry = registry;
    this.properties = properties;
    this.meters = meters;
    this.embeddings = embeddings;
  }

  @io.swagger.v3.oas.annotations.Operation(operationId = "search", summary = "Documents nearest a vector or text, by meaning, keywords or both, joined to their rows")
  @PostMapping(path = "/v1/collections/{name}/search", produces = "application/json")
  public SearchResponse search(@PathVariable String name, @RequestBody SearchRequest request)
      throws IOException {
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
    if (request.text() != null && (request.text().isBlank() || request.text().length() > properties.limits().maxTextLength())) {
      throw new ApiException(ErrorCode.INVALID_REQUEST,
          "'text' must be non-blank and at most " + properties.limits().maxTextLength() + " characters");
    }
    Projection projection;
    try {
      projection = request.include() == null
          ? Projection.DEFAULT
          : Projection.of(new HashSet<>(request.include()));
    } catch (IllegalArgumentException e) {
      throw new ApiException(ErrorCode.INVALID_REQUEST, "'include': " + e.getMessage());
    }
    VectorIndex index;
    try {
      index = c.index(request.using());
    } catch (IllegalArgumentException e) {
      throw new ApiException(ErrorCode.INVALID_REQUEST, e.getMessage());
    }
    Filter filter = request.filter() == null || request.filter().isNull()
        ? null
        : new FilterParser(properties.limits().maxFilterDepth()).parse(request.filter());
    if (mode != SearchMode.VECTOR && request.text() == null) {
      throw new ApiException(ErrorCode.INVALID_REQUEST, mode.wireName() + " search needs 'text'");
    }
    float[] vector = request.vector();
    if (mode != SearchMode.KEYWORD) {
      if (vector == null && request.text() == null) {
        throw new ApiException(ErrorCode.INVALID_REQUEST, "send 'vector' or 'text'");
      }
      if (vector == null) {
        String model = c.definition().vectors().get(index.spec().name()).embed();
        if (model == null) {
          throw new ApiException(ErrorCode.INVALID_REQUEST, "vector '" + index.spec().name()
              + "' has no embedding model ('embed'), so 'text' cannot be searched by meaning: send 'vector'");
        }
        vector = embeddings.embed(model, List.of(request.text()))[0];
      }
      index.spec().check(vector);
    }
    if (index.version().isNone()) {
      if (c.failure() != null) {
        throw new ApiException(ErrorCode.TABLE_UNREADABLE, "cannot index the table: " + c.failure());
      }
      throw new ApiException(
          ErrorCode.REINDEX_IN_PROGRESS, "the index of collection '" + name + "' is being built; retry soon");
    }
    IndexQuery query = new IndexQuery(mode, vector, request.text(), filter, k,
        Math.max(k, properties.search().candidates()), minScore, false, properties.limits().maxFilterDepth());
    List<SearchHit> hits;
    long version;
    Map<RowLocator, Document> rows;
    try {
      long indexed;
      try (VectorIndex.View view = c.acquire(request.using())) {
        indexed = view.version().value();
        if (request.asOfVersion() == null || request.asOfVersion() == indexed) {
          hits = view.search(query);
        } else {
          hits = null;
        }
      }
      if (hits != null) {
        version = indexed;
        rows = c.rows().read(hits.stream().map(SearchHit::locator).toList(), projection);
      } else {
        if (request.asOfVersion() < 0 || request.asOfVersion() > c.tableVersion().value()) {
          throw new ApiException(ErrorCode.VERSION_NOT_AVAILABLE, "the table has no version " + request.asOfVersion()
              + " (its latest is " + c.tableVersion().value() + ")");
        }
        ServedCollection.PastSearch past = c.searchAsOf(
            io.lakeshelf.content.TableVersion.of(request.asOfVersion()), request.using(), query, projection);
        version = past.version().value();
        hits = past.hits();
        rows = past.rows();
      }
    } catch (FilterException e) {
      throw new ApiException(ErrorCode.valueOf(e.code().name()), e.getMessage());
    }
    List<SearchResponse.Hit> out = new ArrayList<>(hits.size());
    for (SearchHit hit : hits) {
      Document d = rows.get(hit.locator());
      if (d != null) {
        out.add(new SearchResponse.Hit(hit.id(), hit.score(), DocumentJson.of(d, projection)));
      }
    }
    long took = System.nanoTime() - start;
    Timer.builder("lakeshelf.search")
        .tag("collection", name)
        .tag("mode", mode.wireName())
        .publishPercentileHistogram()
        .register(meters)
        .record(took, TimeUnit.NANOSECONDS);
    return new SearchResponse(out, version, TimeUnit.NANOSECONDS.toMillis(took));
  }
}
