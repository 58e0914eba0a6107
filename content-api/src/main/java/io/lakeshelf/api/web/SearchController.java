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
import io.lakeshelf.index.VectorQuery;
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
 * {@code POST /v1/collections/{name}/search}: nearest neighbours from the HNSW index, then the
 * join: each hit's row read from its data file (grouped by file, files in parallel) as the table
 * holds it at the index's version.
 */
@RestController
@io.swagger.v3.oas.annotations.tags.Tag(name = "search")
public class SearchController {

  private final CollectionRegistry registry;
  private final LakeshelfProperties properties;
  private final MeterRegistry meters;

  public SearchController(
      CollectionRegistry registry, LakeshelfProperties properties, MeterRegistry meters) {
    this.registry = registry;
    this.properties = properties;
    this.meters = meters;
  }

  @io.swagger.v3.oas.annotations.Operation(operationId = "search", summary = "Nearest documents to a vector, joined to their rows")
  @PostMapping(path = "/v1/collections/{name}/search", produces = "application/json")
  public SearchResponse search(@PathVariable String name, @RequestBody SearchRequest request)
      throws IOException {
    long start = System.nanoTime();
    ServedCollection c = registry.get(name);
    if (request == null) {
      throw new ApiException(ErrorCode.INVALID_REQUEST, "a body is required");
    }
    String mode = request.mode() == null ? "vector" : request.mode();
    if (!mode.equals("vector")) {
      throw new ApiException(
          ErrorCode.INVALID_REQUEST,
          "mode '" + mode + "' is not available in this version; use 'vector'");
    }
    if (request.text() != null) {
      throw new ApiException(
          ErrorCode.INVALID_REQUEST, "text queries need an embedding model, not available in this version; send 'vector'");
    }
    if (request.vector() == null) {
      throw new ApiException(ErrorCode.INVALID_REQUEST, "'vector' is required");
    }
    if (request.filter() != null) {
      throw new ApiException(ErrorCode.INVALID_FILTER, "filters are not available in this version");
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
    index.spec().check(request.vector());
    if (index.version().isNone()) {
      if (c.failure() != null) {
        throw new ApiException(ErrorCode.TABLE_UNREADABLE, "cannot index the table: " + c.failure());
      }
      throw new ApiException(
          ErrorCode.REINDEX_IN_PROGRESS, "the index of collection '" + name + "' is being built; retry soon");
    }
    List<SearchHit> hits;
    long version;
    try (VectorIndex.View view = c.acquire(request.using())) {
      version = view.version().value();
      if (request.asOfVersion() != null && request.asOfVersion() != version) {
        throw new ApiException(
            ErrorCode.VERSION_NOT_AVAILABLE,
            "this version searches only the indexed version " + version + "; time travel is not available yet");
      }
      hits = view.search(new VectorQuery(
          request.vector(), k, Math.max(k, properties.search().candidates()), minScore));
    }
    Map<RowLocator, Document> rows =
        c.rows().read(hits.stream().map(SearchHit::locator).toList(), projection);
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
        .tag("mode", mode)
        .publishPercentileHistogram()
        .register(meters)
        .record(took, TimeUnit.NANOSECONDS);
    return new SearchResponse(out, version, TimeUnit.NANOSECONDS.toMillis(took));
  }
}
