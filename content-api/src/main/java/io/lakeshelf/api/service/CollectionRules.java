package io.lakeshelf.api.service;

import io.lakeshelf.api.catalog.CollectionDefinition;
import io.lakeshelf.api.catalog.CollectionMode;
import io.lakeshelf.api.catalog.VectorDefinition;
import io.lakeshelf.api.error.ApiException;
import io.lakeshelf.api.error.ErrorCode;
import io.lakeshelf.api.request.CollectionRequest;
import io.lakeshelf.content.Similarity;
import io.lakeshelf.content.VectorSpec;
import io.lakeshelf.content.scan.TableColumns;
import io.lakeshelf.content.storage.S3Location;
import io.lakeshelf.content.table.ManagedTableSchema;
import io.lakeshelf.index.Quantization;
import io.lakeshelf.index.TextAnalysis;
import io.lakeshelf.index.filter.FilterException;
import io.lakeshelf.index.filter.FilterField;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.ToIntFunction;

/**
 * The rules a collection's definition follows, as a {@code PUT} states it: a pure function of the
 * request and the service's settings (no I/O but the two lookups it is given: the default table of
 * a name, and an embedding model's vector length), so every rule can be tested alone.
 */
public final class CollectionRules {

  /** How a named vector may be stored in the index: vector-index's own names. */
  static final List<String> QUANTIZATIONS =
      Arrays.stream(Quantization.values()).map(Quantization::wireName).toList();

  private final int maxDimensions;
  private final Path dataDir;
  private final List<String> managedRoots;
  private final String sharedTablesRoot;
  private final Function<String, String> defaultTable;
  private final ToIntFunction<String> dimensionsOfModel;

  /**
   * @param maxDimensions {@code lakeshelf.limits.max-dimensions}
   * @param dataDir the data directory, under which managed tables may lie
   * @param managedRoots {@code lakeshelf.storage.managed-roots}
   * @param defaultTable the table location of a managed collection that names none
   * @param modelDimensions an embedding model's vector length (400 for a model not offered)
   */
  public CollectionRules(
      int maxDimensions,
      Path dataDir,
      List<String> managedRoots,
      Function<String, String> defaultTable,
      ToIntFunction<String> modelDimensions) {
    this(maxDimensions, dataDir, managedRoots, null, defaultTable, modelDimensions);
  }

  /**
   * @param sharedTablesRoot where a shared catalog keeps the default tables of managed collections
   *     ({@code <catalog>/tables/}), under which managed tables may lie too, but each collection
   *     only in its own; null for a catalog in the data directory
   */
  public CollectionRules(
      int maxDimensions,
      Path dataDir,
      List<String> managedRoots,
      String sharedTablesRoot,
      Function<String, String> defaultTable,
      ToIntFunction<String> modelDimensions) {
    this.sharedTablesRoot = sharedTablesRoot;
    this.maxDimensions = maxDimensions;
    this.dataDir = Objects.requireNonNull(dataDir, "dataDir");
    this.managedRoots = List.copyOf(managedRoots);
    this.defaultTable = Objects.requireNonNull(defaultTable, "defaultTable");
    this.dimensionsOfModel = Objects.requireNonNull(modelDimensions, "modelDimensions");
  }

  /**
   * The definition a {@code PUT} asks for, checked: its name, mode, table location, columns,
   * filterable fields, analyzer and vectors.
   *
   * @throws ApiException 400 {@code INVALID_REQUEST} or {@code FIELD_NOT_FILTERABLE} naming what is
   *     wrong
   */
  public CollectionDefinition toDefinition(String name, CollectionRequest request) {
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
      mode =
          request.mode() == null
              ? CollectionMode.MANAGED
              : CollectionMode.fromWireName(request.mode());
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
          throw new ApiException(
              ErrorCode.FIELD_NOT_FILTERABLE,
              "'filterable' names must be non-blank column names or metadata.<key>");
        }
      }
      if (new HashSet<>(request.filterable()).size() != request.filterable().size()) {
        throw new ApiException(ErrorCode.INVALID_REQUEST, "'filterable' lists a field twice");
      }
    }
    if (request.analyzer() != null) {
      try {
        TextAnalysis.fromWireName(request.analyzer());
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
        throw new ApiException(
            ErrorCode.INVALID_REQUEST, "vector '" + e.getKey() + "' must be an object");
      }
      Integer dimensions = v.dimensions();
      if (v.embed() != null) {
        int modelDimensions = dimensionsOfModel.applyAsInt(v.embed());
        if (dimensions == null) {
          dimensions = modelDimensions;
        } else if (dimensions != modelDimensions) {
          throw new ApiException(
              ErrorCode.INVALID_REQUEST,
              "vector '"
                  + e.getKey()
                  + "' has "
                  + dimensions
                  + " dimensions but its model '"
                  + v.embed()
                  + "' makes "
                  + modelDimensions);
        }
      }
      if (dimensions == null) {
        throw new ApiException(
            ErrorCode.INVALID_REQUEST, "vector '" + e.getKey() + "' needs 'dimensions'");
      }
      if (v.quantization() != null && !QUANTIZATIONS.contains(v.quantization())) {
        throw new ApiException(
            ErrorCode.INVALID_REQUEST,
            "vector '" + e.getKey() + "': 'quantization' must be one of " + QUANTIZATIONS);
      }
      if (dimensions > maxDimensions) {
        throw new ApiException(
            ErrorCode.INVALID_REQUEST,
            "vector '"
                + e.getKey()
                + "' has more than "
                + maxDimensions
                + " dimensions (lakeshelf.limits.max-dimensions)");
      }
      try {
        Similarity similarity =
            Similarity.fromWireName(v.similarity() == null ? "cosine" : v.similarity());
        if (v.column() == null && mode == CollectionMode.EXTERNAL) {
          throw new ApiException(
              ErrorCode.INVALID_REQUEST,
              "vector '" + e.getKey() + "' of an external collection needs 'column'");
        }
        String column = v.column() == null ? e.getKey() + "_embedding" : v.column();
        VectorSpec spec = new VectorSpec(e.getKey(), column, dimensions, similarity);
        vectors.put(e.getKey(), VectorDefinition.of(spec, v.embed(), v.quantization()));
      } catch (IllegalArgumentException ex) {
        throw new ApiException(ErrorCode.INVALID_REQUEST, ex.getMessage());
      }
    }
    try {
      CollectionDefinition d =
          new CollectionDefinition(
              name,
              mode,
              table,
              mode == CollectionMode.EXTERNAL ? request.columns() : null,
              vectors,
              request.filterable(),
              request.analyzer());
      if (mode == CollectionMode.MANAGED) {
        var schema = ManagedTableSchema.of(d.vectorSpecs());
        // checked before the table is created, so a refused request creates nothing
        FilterField.resolve(d.filterable(), TableColumns.of(schema), "metadata");
      }
      return d;
    } catch (FilterException e) {
      throw new ApiException(ErrorCode.FIELD_NOT_FILTERABLE, "'filterable': " + e.getMessage());
    } catch (IllegalArgumentException e) {
      throw new ApiException(ErrorCode.INVALID_REQUEST, e.getMessage());
    }
  }

  /**
   * A managed table is created only under the data directory or a configured managed root:
   * Lakeshelf writes there and purge deletes there, so it must not be any directory a client names.
   */
  /** Whether {@code table} lies strictly under {@code root} (an s3:// prefix or a directory). */
  private static boolean within(String table, String root) {
    if (S3Location.isS3(root)) {
      String prefix = root.endsWith("/") ? root : root + "/";
      return table.startsWith(prefix) && table.length() > prefix.length();
    }
    if (S3Location.isS3(table)) {
      return false;
    }
    Path base = Path.of(root).toAbsolutePath().normalize();
    Path t =
        Path.of(table.startsWith("file:") ? fileUriPath(table) : table)
            .toAbsolutePath()
            .normalize();
    return t.startsWith(base) && !t.equals(base);
  }

  private static boolean sameLocation(String a, String b) {
    if (S3Location.isS3(a) || S3Location.isS3(b)) {
      return a.replaceAll("/+$", "").equals(b.replaceAll("/+$", ""));
    }
    return Path.of(a.startsWith("file:") ? fileUriPath(a) : a)
        .toAbsolutePath()
        .normalize()
        .equals(Path.of(b).toAbsolutePath().normalize());
  }

  private void checkManagedRoot(String name, String table) {
    if (!S3Location.isS3(table)) {
      Path collections = dataDir.toAbsolutePath().normalize().resolve("collections");
      Path t = Path.of(table).toAbsolutePath().normalize();
      if (t.startsWith(collections)
          && !t.equals(Path.of(defaultTable.apply(name)).toAbsolutePath().normalize())) {
        throw new ApiException(
            ErrorCode.INVALID_REQUEST,
            "'"
                + table
                + "' lies in the directory of another collection; leave 'table' out to use this"
                + " one's");
      }
    }
    if (sharedTablesRoot != null && within(table, sharedTablesRoot)) {
      if (!sameLocation(table, defaultTable.apply(name))) {
        throw new ApiException(
            ErrorCode.INVALID_REQUEST,
            "'"
                + table
                + "' lies in the catalog's directory of another collection; leave 'table' out to"
                + " use this one's");
      }
      return;
    }
    List<String> roots = new ArrayList<>();
    roots.add(dataDir.toAbsolutePath().normalize().toString());
    roots.addAll(managedRoots);
    for (String root : roots) {
      if (S3Location.isS3(root)) {
        String prefix = root.endsWith("/") ? root : root + "/";
        if (table.startsWith(prefix) && table.length() > prefix.length()) {
          return;
        }
      } else {
        Path base =
            Path.of(root.startsWith("file:") ? fileUriPath(root) : root)
                .toAbsolutePath()
                .normalize();
        if (!S3Location.isS3(table)) {
          Path t = Path.of(table).toAbsolutePath().normalize();
          if (t.startsWith(base) && !t.equals(base)) {
            return;
          }
        }
      }
    }
    throw new ApiException(
        ErrorCode.INVALID_REQUEST,
        "a managed table must lie under the data directory or a"
            + " root listed in lakeshelf.storage.managed-roots; '"
            + table
            + "' lies under neither (serve a table"
            + " another writer owns as an external collection)");
  }

  private String tableLocation(String name, String table) {
    if (table == null || table.isBlank()) {
      return defaultTable.apply(name);
    }
    if (S3Location.isS3(table)) {
      try {
        S3Location location = S3Location.parse(table);
        if (location.key().isEmpty()
            || location.key().contains("//")
            || location.key().contains("..")) {
          throw new ApiException(
              ErrorCode.INVALID_REQUEST,
              "'table' on S3 needs a prefix under the bucket, such as s3://bucket/tables/name");
        }
        return location.uri().endsWith("/")
            ? location.uri().substring(0, location.uri().length() - 1)
            : location.uri();
      } catch (IllegalArgumentException e) {
        throw new ApiException(ErrorCode.INVALID_REQUEST, "'table': " + e.getMessage());
      }
    }
    if (table.indexOf('\0') >= 0) {
      throw new ApiException(
          ErrorCode.INVALID_REQUEST,
          "'table' holds the character NUL (U+0000), which no path may hold");
    }
    String path = table.startsWith("file:") ? fileUriPath(table) : table;
    if (path == null || !Path.of(path).isAbsolute()) {
      throw new ApiException(
          ErrorCode.INVALID_REQUEST, "'table' must be an absolute path or a file: URI");
    }
    return Path.of(path).normalize().toString();
  }

  /**
   * The path a {@code file:} URI names, percent-decoded (RFC 8089). A plain path is taken as it is,
   * so {@code %}, {@code #} and {@code ?} need encoding only in a URI, where they would otherwise
   * start an escape, a fragment or a query and name another directory.
   */
  static String fileUriPath(String table) {
    URI uri;
    try {
      uri = new URI(table);
    } catch (URISyntaxException e) {
      throw new ApiException(
          ErrorCode.INVALID_REQUEST,
          "'table' is not a valid file: URI ("
              + e.getReason()
              + " at index "
              + e.getIndex()
              + "); encode '%' as %25, or give the plain path");
    }
    if (uri.getRawQuery() != null) {
      throw new ApiException(
          ErrorCode.INVALID_REQUEST,
          "'table' is a file: URI with the character '?', which starts a query; encode it as %3F,"
              + " or give the plain path");
    }
    if (uri.getRawFragment() != null) {
      throw new ApiException(
          ErrorCode.INVALID_REQUEST,
          "'table' is a file: URI with the character '#', which starts a fragment; encode it as"
              + " %23, or give the plain path");
    }
    if (uri.isOpaque()) {
      throw new ApiException(
          ErrorCode.INVALID_REQUEST,
          "'table' must be an absolute path or a file: URI such as file:///data/table");
    }
    if (uri.getRawAuthority() != null && !uri.getRawAuthority().equalsIgnoreCase("localhost")) {
      throw new ApiException(
          ErrorCode.INVALID_REQUEST,
          "'table' is a file: URI naming the host '"
              + uri.getRawAuthority()
              + "'; only local files (file:///path) can be served");
    }
    return uri.getPath();
  }
}
