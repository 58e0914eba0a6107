package io.lakeshelf.api.web;

import io.lakeshelf.api.catalog.CollectionRegistry;
import io.lakeshelf.api.request.CollectionRequest;
import io.lakeshelf.api.service.CollectionService;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /v1/collections}: create, change, list and drop collections ({@link CollectionService}).
 */
@RestController
@Tag(name = "collections")
@RequestMapping(path = "/v1/collections", produces = "application/json")
public class CollectionController {

  private final CollectionService collections;

  public CollectionController(CollectionService collections) {
    this.collections = collections;
  }

  @Operation(operationId = "listCollections", summary = "List collections")
  @GetMapping
  public Map<String, List<CollectionView>> list() {
    return Map.of("collections", collections.all().stream().map(CollectionView::of).toList());
  }

  @Operation(
      operationId = "getCollection",
      summary = "Get a collection with its table and index versions")
  @GetMapping("/{name}")
  public CollectionView get(@PathVariable String name) {
    return CollectionView.of(collections.get(name));
  }

  @Operation(
      operationId = "putCollection",
      summary = "Create or change a collection (managed or external)")
  @ApiResponse(responseCode = "201", description = "created", useReturnTypeSchema = true)
  @ApiResponse(
      responseCode = "200",
      description = "unchanged or changed",
      useReturnTypeSchema = true)
  @PutMapping("/{name}")
  public ResponseEntity<CollectionView> put(
      @PathVariable String name,
      @RequestParam(defaultValue = "false") boolean reindex,
      @RequestBody CollectionRequest request)
      throws IOException, InterruptedException {
    CollectionService.Put put = collections.put(name, reindex, request);
    CollectionView view = CollectionView.of(put.collection());
    if (put.outcome() == CollectionRegistry.PutOutcome.CREATED) {
      return ResponseEntity.created(URI.create("/v1/collections/" + name)).body(view);
    }
    return ResponseEntity.ok(view);
  }

  @Operation(
      operationId = "deleteCollection",
      summary = "Drop a collection and its index; ?purge=true also deletes a managed table")
  @ApiResponse(responseCode = "204", description = "deleted", useReturnTypeSchema = false)
  @DeleteMapping("/{name}")
  public ResponseEntity<Void> delete(
      @PathVariable String name, @RequestParam(defaultValue = "false") boolean purge)
      throws Exception {
    collections.delete(name, purge);
    return ResponseEntity.status(HttpStatus.NO_CONTENT).build();
  }
}
