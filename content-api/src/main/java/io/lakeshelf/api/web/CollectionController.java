package io.lakeshelf.api.web;

import io.lakeshelf.api.catalog.CollectionDefinition;
import io.lakeshelf.api.catalog.CollectionMode;
import io.lakeshelf.api.catalog.CollectionRegistry;
import io.lakeshelf.api.catalog.VectorDefinition;
import io.lakeshelf.api.error.ApiException;
import io.lakeshelf.api.error.ErrorCode;
import io.lakeshelf.content.Similarity;
import io.lakeshelf.content.VectorSpec;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.LinkedHashMap;
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

/** {@code /v1/collections}: create, change, list and drop collections. */
@RestController
@io.swagger.v3.oas.annotations.tags.Tag(name = "collections")
@RequestMapping(path = "/v1/collections", produces = "application/json")
public class CollectionController {

  private final CollectionRegistry registry;
  private final io.lakeshelf.api.config.LakeshelfProperties properties;
  private final io.lakeshelf.api.embed.Embeddings embeddings;
  private final io.lakeshelf.api.jobs.ReindexJobs jobs;

  /** How a named vector may be stored in the index. */
  static final List<String> QUANTIZATIONS = List.of("none", "int8", "int4", "bbq");

  public CollectionController(
      CollectionRegistry registry,
      io.lakeshelf.api.config.LakeshelfProperties properties,
      io.lakeshelf.api.embed.Embeddings embeddings,
      io.lakeshelf.api.jobs.ReindexJobs jobs) {
    this.registry = registry;
    this.properties = properties;
    this.embeddings = embeddings;
    this.jobs = jobs;
  }

  @io.swagger.v3.oas.annotations.Operation(operationId = "listCollections", summary = "List collections")
  @GetMapping
  public Map<String, List<CollectionView>> list() {
    return Map.of("collections", registry.all().stream().map(CollectionView::of).toList());
  }

  @io.swagger.v3.oas.annotations.Operation(operationId = "getCollection", summary = "Get a collection with its table and index versions")
  @GetMapping("/{name}")
  public CollectionView get(@PathVariable String name) {
    return CollectionView.of(registry.get(name));
  }

  @io.swagger.v3.oas.annotations.Operation(operationId = "putCollection", summary = "Create or change a collection (managed or external)")
  @io.swagger.v3.oas.annotations.responses.ApiResponse(responseCode = "201", description = "created", useReturnTypeSchema = true)
  @io.swagger.v3.oas.annotations.responses.ApiResponse(responseCode = "200", description = "unchanged or changed", useReturnTypeSchema = true)
  @PutMapping("/{name}")
  public ResponseEntity<CollectionView> put(
      @PathVariable String name,
      @RequestParam(defaultValue = "false") boolean reindex,
      @RequestBody CollectionRequest request)
      throws IOException, InterruptedException {
    CollectionDefinition definition = toDefinition(name, request);
    CollectionRegistry.PutOutcome outcome = registry.put(definition, reindex);
    CollectionView view = CollectionView.of(registry.get(name));
    if (outcome == CollectionRegistry.PutOutcome.CREATED) {
      return ResponseEntity.created(URI.create("/v1/collections/" + name)).body(view);
    }
    return ResponseEntity.ok(view);
  }

  @io.swagger.v3.oas.annotations.Operation(operationId = "deleteCollection", summary = "Drop a collection and its index; ?purge=true also deletes a managed table")
  @io.swagger.v3.oas.annotations.responses.ApiResponse(responseCode = "204", description = "deleted", useReturnTypeSchema = false)
  @DeleteMapping("/{name}")
  public ResponseEntity<Void> delete(
      @PathVariable String name, @RequestParam(defaultValue = "false") boolean purge)
      throws Exception {
    if (purge && registry.get(name).definition().mode() != CollectionMode.MANAGED) {
      throw new ApiException(ErrorCode.INVALID_REQUEST, "purge deletes data only of managed collections");
    }
    // A reindex still writing its new generation under the collection's directory is stopped
    // first: deleting the directory under it fails or leaves its files behind.
    jobs.whileNoneRuns(name, java.time.Duration.ofSeconds(60), () -> {
      registry.delete(name, purge);
      return null;
    });
    return ResponseEntity.status(HttpStatus.NO_CONTENT).build();
  }

  private CollectionDefinition toDefinition(String name, CollectionRequest request) {
    if (!CollectionDefinition.NAME.matcher(name).matches()) {
      throw new ApiException(
          ErrorCode.INVALID_REQUEST,
          "collection name must match " + CollectionDefinition.NAME.pattern());
    }
    if (request == null) {
      throw new ApiException(ErrorCode.INVALID_REQUEST, "a body is required");
    }
    CollectionMode mode;
    try {
      mode = request.mode() == null ? CollectionMode.MANAGED : CollectionMode.fromWireName(request.mode());
    } catch (IllegalArgumentException e) {
      throw new ApiException(ErrorCode.INVALID_REQUEST, e.getMessage());
    }
    if (mode == CollectionMode.EXTERNAL) {
      if (request.table() == null || request.table().isBlank()) {
        throw new ApiException(ErrorCode.INVALID_REQUEST, "an external collection needs 'table'");
      }
      if (request.columns() == null || request.columns().get("id") == null) {
        throw new ApiException(
            ErrorCode.INVALID_REQUEST, "an external collection needs 'columns' with at least 'id'");
      }
    } else if (request.columns() != null && !request.columns().isEmpty()) {
      throw new ApiException(
          ErrorCode.INVALID_REQUEST, "'columns' applies to external collections only");
    }
    if (request.filterable() != null) {
      for (String f : request.filterable()) {
        if (f == null || f.isBlank() || f.length() > 256) {
          throw new ApiException(ErrorCode.FIELD_NOT_FILTERABLE, "'filterable' names must be non-blank column names or metadata.<key>");
        }
      }
      if (new java.util.HashSet<>(request.filterable()).size() != request.filterable().size()) {
        throw new ApiException(ErrorCode.INVALID_REQUEST, "'filterable' lists a field twice");
      }
    }
    if (request.analyzer() != null) {
      try {
        io.lakeshelf.index.TextAnalysis.fromWireName(request.analyzer());
      } catch (IllegalArgumentException e) {
        throw new ApiException(ErrorCode.INVALID_REQUEST, "'analyzer': " + e.getMessage());
      }
    }
    String table = tableLocation(name, request.table());
    if (mode == CollectionMode.MANAGED && request.table() != null && !request.table().isBlank()) {
      checkManagedRoot(name, table);
    }
    if (request.vectors() == null || request.vectors().isEmpty()) {
      throw new ApiException(ErrorCode.INVALID_REQUEST, "'vectors' must name at least one vector");
    }
    Map<String, VectorDefinition> vectors = new LinkedHashMap<>();
    for (Map.Entry<String, CollectionRequest.VectorRequest> e : request.vectors().entrySet()) {
      CollectionRequest.VectorRequest v = e.getValue();
      if (v == null) {
        throw new ApiException(ErrorCode.INVALID_REQUEST, "vector '" + e.getKey() + "' must be an object");
      }
      Integer dimensions = v.dimensions();
      if (v.embed() != null) {
        int modelDimensions = embeddings.dimensions(v.embed());
        if (dimensions == null) {
          dimensions = modelDimensions;
        } else if (dimensions != modelDimensions) {
          throw new ApiException(ErrorCode.INVALID_REQUEST, "vector '" + e.getKey() + "' has " + dimensions
              + " dimensions but its model '" + v.embed() + "' makes " + modelDimensions);
        }
      }
      if (dimensions == null) {
        throw new ApiException(ErrorCode.INVALID_REQUEST, "vector '" + e.getKey() + "' needs 'dimensions'");
      }
      if (v.quantization() != null && !QUANTIZATIONS.contains(v.quantization())) {
        throw new ApiException(ErrorCode.INVALID_REQUEST, "vector '" + e.getKey()
            + "': 'quantization' must be one of " + QUANTIZATIONS);
      }
      if (dimensions > properties.limits().maxDimensions()) {
        throw new ApiException(ErrorCode.INVALID_REQUEST, "vector '" + e.getKey() + "' has more than "
            + properties.limits().maxDimensions() + " dimensions (lakeshelf.limits.max-dimensions)");
      }
      try {
        Similarity similarity = Similarity.fromWireName(v.similarity() == null ? "cosine" : v.similarity());
        if (v.column() == null && mode == CollectionMode.EXTERNAL) {
          throw new ApiException(
              ErrorCode.INVALID_REQUEST, "vector '" + e.getKey() + "' of an external collection needs 'column'");
        }
        String column = v.column() == null ? e.getKey() + "_embedding" : v.column();
        VectorSpec spec = new VectorSpec(e.getKey(), column, dimensions, similarity);
        vectors.put(e.getKey(), VectorDefinition.of(spec, v.embed(), v.quantization()));
      } catch (IllegalArgumentException ex) {
        throw new ApiException(ErrorCode.INVALID_REQUEST, ex.getMessage());
      }
    }
    try {
      CollectionDefinition d = new CollectionDefinition(
          name, mode, table, mode == CollectionMode.EXTERNAL ? request.columns() : null, vectors,
          request.filterable(), request.analyzer());
      if (mode == CollectionMode.MANAGED) {
        var schema = io.lakeshelf.content.table.ManagedTableSchema.of(d.vectorSpecs());
        // checked before the table is created, so a refused request creates nothing
        io.lakeshelf.index.filter.FilterField.resolve(
            d.filterable(), io.lakeshelf.content.scan.TableColumns.of(schema), "metadata");
      }
      return d;
    } catch (io.lakeshelf.index.filter.FilterException e) {
      throw new ApiException(ErrorCode.FIELD_NOT_FILTERABLE, "'filterable': " + e.getMessage());
    } catch (IllegalArgumentException e) {
      throw new ApiException(ErrorCode.INVALID_REQUEST, e.getMessage());
    }
  }

  /**
   * A managed table is created only under the data directory or a configured managed root:
   * Lakeshelf writes there and purge deletes there, so it must not be any directory a client names.
   */
  private void checkManagedRoot(String name, String table) {
    if (!io.lakeshelf.content.storage.S3Location.isS3(table)) {
      Path collections = properties.dataDir().toAbsolutePath().normalize().resolve("collections");
      Path t = Path.of(table).toAbsolutePath().normalize();
      if (t.startsWith(collections) && !t.equals(Path.of(registry.defaultTableLocation(name)).toAbsolutePath().normalize())) {
        throw new ApiException(ErrorCode.INVALID_REQUEST,
            "'" + table + "' lies in the directory of another collection; leave 'table' out to use this one's");
      }
    }
    java.util.List<String> roots = new java.util.ArrayList<>();
    roots.add(properties.dataDir().toAbsolutePath().normalize().toString());
    roots.addAll(properties.storage().managedRoots());
    for (String root : roots) {
      if (io.lakeshelf.content.storage.S3Location.isS3(root)) {
        String prefix = root.endsWith("/") ? root : root + "/";
        if (table.startsWith(prefix) && table.length() > prefix.length()) {
          return;
        }
      } else {
        Path base = Path.of(root.startsWith("file:") ? fileUriPath(root) : root).toAbsolutePath().normalize();
        if (!io.lakeshelf.content.storage.S3Location.isS3(table)) {
          Path t = Path.of(table).toAbsolutePath().normalize();
          if (t.startsWith(base) && !t.equals(base)) {
            return;
          }
        }
      }
    }
    throw new ApiException(ErrorCode.INVALID_REQUEST, "a managed table must lie under the data directory or a"
        + " root listed in lakeshelf.storage.managed-roots; '" + table + "' lies under neither (serve a table"
        + " another writer owns as an external collection)");
  }

  private String tableLocation(String name, String table) {
    if (table == null || table.isBlank()) {
      return registry.defaultTableLocation(name);
    }
    if (io.lakeshelf.content.storage.S3Location.isS3(table)) {
      try {
        io.lakeshelf.content.storage.S3Location location = io.lakeshelf.content.storage.S3Location.parse(table);
        if (location.key().isEmpty() || location.key().contains("//") || location.key().contains("..")) {
          throw new ApiException(ErrorCode.INVALID_REQUEST,
              "'table' on S3 needs a prefix under the bucket, such as s3://bucket/tables/name");
        }
        return location.uri().endsWith("/") ? location.uri().substring(0, location.uri().length() - 1) : location.uri();
      } catch (IllegalArgumentException e) {
        throw new ApiException(ErrorCode.INVALID_REQUEST, "'table': " + e.getMessage());
      }
    }
    if (table.indexOf('\0') >= 0) {
      throw new ApiException(ErrorCode.INVALID_REQUEST, "'table' holds the character NUL (U+0000), which no path may hold");
    }
    String path = table.startsWith("file:") ? fileUriPath(table) : table;
    if (path == null || !Path.of(path).isAbsolute()) {
      throw new ApiException(
          ErrorCode.INVALID_REQUEST, "'table' must be an absolute path or a file: URI");
    }
    return Path.of(path).normalize().toString();
  }

  /**
   * The path a {@code file:} URI names, percent-decoded (RFC 8089). A plain path is taken as it
   * is, so {@code %}, {@code #} and {@code ?} need encoding only in a URI, where they would
   * otherwise start an escape, a fragment or a query and name another directory.
   */
  private static String fileUriPath(String table) {
    URI uri;
    try {
      uri = new URI(table);
    } catch (java.net.URISyntaxException e) {
      throw new ApiException(ErrorCode.INVALID_REQUEST, "'table' is not a valid file: URI (" + e.getReason()
          + " at index " + e.getIndex() + "); encode '%' as %25, or give the plain path");
    }
    if (uri.getRawQuery() != null) {
      throw new ApiException(ErrorCode.INVALID_REQUEST,
          "'table' is a file: URI with the character '?', which starts a query; encode it as %3F, or give the plain path");
    }
    if (uri.getRawFragment() != null) {
      throw new ApiException(ErrorCode.INVALID_REQUEST,
          "'table' is a file: URI with the character '#', which starts a fragment; encode it as %23, or give the plain path");
    }
    if (uri.isOpaque()) {
      throw new ApiException(ErrorCode.INVALID_REQUEST, "'table' must be an absolute path or a file: URI such as file:///data/table");
    }
    if (uri.getRawAuthority() != null && !uri.getRawAuthority().equalsIgnoreCase("localhost")) {
      throw new ApiException(ErrorCode.INVALID_REQUEST,
          "'table' is a file: URI naming the host '" + uri.getRawAuthority() + "'; only local files (file:///path) can be served");
    }
    return uri.getPath();
  }
}
