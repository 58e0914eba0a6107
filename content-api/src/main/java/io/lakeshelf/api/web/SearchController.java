package io.lakeshelf.api.web;

import io.lakeshelf.api.request.SearchRequest;
import io.lakeshelf.api.service.SearchService;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /v1/collections/{name}/search}: vector, keyword (BM25) or hybrid (reciprocal rank
 * fusion) search, optionally filtered, of a {@code vector} or a {@code text} (embedded with the
 * vector's model), then the join: each hit's row read from its data file (grouped by file, files in
 * parallel) as the table holds it at the index's version, or at {@code asOfVersion}. The work is
 * {@link SearchService}'s.
 */
@RestController
@Tag(name = "search")
public class SearchController {

  private final SearchService search;

  public SearchController(SearchService search) {
    this.search = search;
  }

  @Operation(
      operationId = "search",
      summary =
          "Documents nearest a vector or text, by meaning, keywords or both, joined to their rows")
  @PostMapping(path = "/v1/collections/{name}/search", produces = "application/json")
  public SearchResponse search(@PathVariable String name, @RequestBody SearchRequest request)
      throws IOException {
    SearchService.Result result = search.search(name, request);
    List<SearchResponse.Hit> hits =
        result.hits().stream()
            .map(
                h ->
                    new SearchResponse.Hit(
                        h.hit().id(),
                        h.hit().score(),
                        DocumentJson.of(h.document(), result.projection())))
            .toList();
    return new SearchResponse(
        hits, result.version(), TimeUnit.NANOSECONDS.toMillis(result.tookNanos()));
  }
}
