package io.lakeshelf.api.config;

import io.lakeshelf.api.catalog.PastVersions;
import io.lakeshelf.api.security.ApiKey;
import io.lakeshelf.content.VectorSpec;
import io.lakeshelf.content.storage.S3Location;
import io.lakeshelf.content.storage.S3Settings;
import io.lakeshelf.index.VectorQuery;
import io.lakeshelf.index.embed.EmbeddingOptions;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Lakeshelf's settings, under {@code lakeshelf.*}. Every one has a default: the embedded service
 * needs no configuration.
 *
 * @param dataDir where managed tables, indexes and collection definitions live
 * @param index index maintenance settings
 * @param search search settings
 * @param limits request limits
 * @param security API keys
 * @param images image retrieval
 * @param s3 how to reach S3 or an S3-protocol store, for {@code s3://} tables and images
 * @param storage how data files are read for the search join
 * @param embedding in-process text embedding
 * @param timeTravel bounds of search with {@code asOfVersion}
 * @param catalog where collection definitions and index snapshots are kept, for several nodes to
 *     share
 */
@ConfigurationProperties("lakeshelf")
public record LakeshelfProperties(
    @DefaultValue("./lakeshelf-data") Path dataDir,
    @DefaultValue Index index,
    @DefaultValue Search search,
    @DefaultValue Limits limits,
    @DefaultValue Security security,
    @DefaultValue Images images,
    @DefaultValue S3 s3,
    @DefaultValue Storage storage,
    @DefaultValue Embedding embedding,
    @DefaultValue TimeTravel timeTravel,
    @DefaultValue Catalog catalog) {

  /**
   * Where collection definitions and index snapshots live. By default the data directory: one node
   * serves what it defined. An object-store prefix ({@code s3://bucket/prefix}) shared by several
   * nodes makes them serve the same collections: a definition written by one is served by every
   * other within a sync interval, and a node with an empty data directory downloads the newest
   * index snapshot instead of building.
   *
   * @param location an {@code s3://} (or {@code s3a://}) prefix, a directory, or none for the data
   *     directory
   * @param snapshotInterval how often each index is published as a snapshot when it changed; none:
   *     10 minutes for a shared location, never for the data directory (snapshots are published on
   *     request and after a reindex all the same)
   * @param snapshotsKept how many snapshots of each index are kept (at least 1)
   * @param snapshotGrace how long a snapshot is kept at least, whatever the count, so a node
   *     downloading it can finish
   */
  public record Catalog(
      String location,
      Duration snapshotInterval,
      @DefaultValue("3") int snapshotsKept,
      @DefaultValue("15m") Duration snapshotGrace) {
    public Catalog {
      if (location != null && location.isBlank()) {
        location = null;
      }
      if (location != null && location.startsWith("s3") && !S3Location.isS3(location)) {
        throw new IllegalArgumentException(
            "lakeshelf.catalog.location must be an s3:// prefix or a directory: " + location);
      }
      if (location != null && S3Location.isS3(location)) {
        S3Location.parse(location); // a bucket is named
      }
      if (snapshotInterval != null
          && (snapshotInterval.isNegative() || snapshotInterval.isZero())) {
        throw new IllegalArgumentException("lakeshelf.catalog.snapshot-interval must be positive");
      }
      if (snapshotsKept < 1) {
        throw new IllegalArgumentException("lakeshelf.catalog.snapshots-kept must be at least 1");
      }
      if (snapshotGrace.isNegative()) {
        throw new IllegalArgumentException("lakeshelf.catalog.snapshot-grace must be >= 0");
      }
    }

    /** Whether the definitions live elsewhere than the data directory (nodes share them). */
    public boolean shared() {
      return location != null;
    }

    /** How often snapshots are published; null for never on a schedule. */
    public Duration effectiveSnapshotInterval() {
      if (snapshotInterval != null) {
        return snapshotInterval;
      }
      return shared() ? Duration.ofMinutes(10) : null;
    }
  }

  /**
   * Search with {@code asOfVersion} indexes the version's rows in memory (no HNSW graph: the search
   * is exact) and keeps a few versions built. These bound what that may take.
   *
   * @param maxRows the most live rows a past version may have to be searched (422 {@code
   *     VERSION_TOO_LARGE} above, refused before anything is read when the log has row statistics)
   * @param maxBytes the most memory the kept versions take together (least recently used evicted
   *     first; the version built last is kept even when larger), and the most the vectors of one
   *     version may take (rows × dimensions × 4 bytes; 422 above)
   * @param cacheVersions the most past versions kept built, over all collections and vectors
   * @param threads versions built at once (each build reads its files on its own thread: a core)
   * @param queueCapacity builds that may wait for a thread; a build that finds the queue full
   *     answers 503 {@code OVERLOADED} at once. Searches of a version being built wait for that
   *     build and take no room
   */
  public record TimeTravel(
      @DefaultValue("100000") long maxRows,
      @DefaultValue("256MB") DataSize maxBytes,
      @DefaultValue("2") int cacheVersions,
      @DefaultValue("1") int threads,
      @DefaultValue("4") int queueCapacity) {
    public TimeTravel {
      limits(maxRows, maxBytes, cacheVersions, threads, queueCapacity); // checks each
    }

    private static PastVersions.Limits limits(
        long maxRows, DataSize maxBytes, int cacheVersions, int threads, int queueCapacity) {
      return new PastVersions.Limits(
          maxRows, maxBytes.toBytes(), cacheVersions, threads, queueCapacity);
    }

    public PastVersions.Limits limits() {
      return limits(maxRows, maxBytes, cacheVersions, threads, queueCapacity);
    }
  }

  /**
   * In-process text embedding (vectors with {@code "embed"}, {@code text} queries).
   *
   * @param batchSize texts embedded together in one model call
   * @param threads batches embedded at once (each takes a core)
   * @param queueCapacity batches of all callers that may wait for a thread
   * @param admissionTimeout how long a request waits for room before it answers 503 {@code
   *     OVERLOADED}
   */
  public record Embedding(
      @DefaultValue("16") int batchSize,
      @DefaultValue("2") int threads,
      @DefaultValue("8") int queueCapacity,
      @DefaultValue("30s") Duration admissionTimeout) {
    public EmbeddingOptions options() {
      try {
        return new EmbeddingOptions(batchSize, threads, queueCapacity, admissionTimeout);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("lakeshelf.embedding: " + e.getMessage(), e);
      }
    }
  }

  /**
   * S3 access. Credentials come from the AWS SDK's default chain (environment variables {@code
   * AWS_ACCESS_KEY_ID}/{@code AWS_SECRET_ACCESS_KEY}, profiles, container and instance roles).
   *
   * @param endpoint an S3-protocol endpoint (MinIO, LocalStack, S3Proxy); none for AWS
   * @param region the signing region
   * @param pathStyleAccess address buckets as {@code endpoint/bucket} (most S3-protocol stores)
   * @param maxConnections HTTP connections kept to the store: the parallel reads of a join
   * @param requestTimeout the longest one request attempt may take before the SDK retries it
   */
  public record S3(
      URI endpoint,
      @DefaultValue("us-east-1") String region,
      @DefaultValue("false") boolean pathStyleAccess,
      @DefaultValue("64") int maxConnections,
      @DefaultValue("30s") Duration requestTimeout) {
    public S3 {
      if (region.isBlank()) {
        throw new IllegalArgumentException("lakeshelf.s3.region must not be blank");
      }
      if (maxConnections < 1) {
        throw new IllegalArgumentException("lakeshelf.s3.max-connections must be at least 1");
      }
    }

    public S3Settings settings() {
      return new S3Settings(endpoint, region, pathStyleAccess, maxConnections, requestTimeout);
    }
  }

  /**
   * @param footerCacheSize the most Parquet footer bytes (with page indexes) kept in memory, so a
   *     warm join reads only the pages that hold its rows
   * @param footerReadSize how much of a data file's end a cold join reads in its first request: a
   *     guess that holds the footer and page indexes of most files
   * @param pageCacheSize the most bytes of data-file pages the join keeps decoded (estimated), so
   *     that a warm join of rows in pages read before decodes and reads nothing; 0 turns it off
   * @param managedRoots where managed tables may be created besides the data directory: absolute
   *     directories, {@code file:} URIs or {@code s3://bucket/prefix/}; a managed collection's
   *     {@code table} anywhere else is refused, so Lakeshelf never writes, nor purges, a location
   *     it was not given
   */
  public record Storage(
      @DefaultValue("64MB") DataSize footerCacheSize,
      @DefaultValue("64KB") DataSize footerReadSize,
      @DefaultValue("64MB") DataSize pageCacheSize,
      List<String> managedRoots) {
    public Storage {
      managedRoots = managedRoots == null ? List.of() : List.copyOf(managedRoots);
      for (String root : managedRoots) {
        boolean s3 = S3Location.isS3(root);
        String path = root.startsWith("file:") ? URI.create(root).getPath() : root;
        if (!s3 && (path == null || !Path.of(path).isAbsolute())) {
          throw new IllegalArgumentException(
              "lakeshelf.storage.managed-roots: '"
                  + root
                  + "' must be an absolute directory, a file: URI or an s3://bucket/prefix/");
        }
        if (s3 && S3Location.parse(root).key().contains("..")) {
          throw new IllegalArgumentException(
              "lakeshelf.storage.managed-roots: '" + root + "' holds '..'");
        }
      }
      if (pageCacheSize.isNegative()) {
        throw new IllegalArgumentException(
            "lakeshelf.storage.page-cache-size must not be negative");
      }
      if (footerCacheSize.isNegative()) {
        throw new IllegalArgumentException(
            "lakeshelf.storage.footer-cache-size must not be negative");
      }
      if (footerReadSize.toBytes() < 1024 || footerReadSize.toBytes() > (64 << 20)) {
        throw new IllegalArgumentException("lakeshelf.storage.footer-read-size must be 1KB..64MB");
      }
    }
  }

  /**
   * @param allowedLocations where images may be served from: absolute directories (or {@code file:}
   *     URIs); an image anywhere else, or reached through a link out of these, is refused. None
   *     means no image is served
   * @param maxSize the largest image served; its bytes are read and checked against the anchor
   *     before any is sent
   * @param s3Delivery how {@code s3://} images reach the client: {@code redirect} (307 to a
   *     presigned URL; the object's size is checked first) or {@code stream} (read, checked against
   *     size and checksum, and sent by the service)
   * @param presignTtl how long a presigned URL stays valid
   */
  public record Images(
      List<String> allowedLocations,
      @DefaultValue("64MB") DataSize maxSize,
      @DefaultValue("redirect") S3Delivery s3Delivery,
      @DefaultValue("5m") Duration presignTtl) {
    public Images {
      allowedLocations = allowedLocations == null ? List.of() : List.copyOf(allowedLocations);
      if (presignTtl.isNegative()
          || presignTtl.isZero()
          || presignTtl.compareTo(Duration.ofDays(7)) > 0) {
        throw new IllegalArgumentException(
            "lakeshelf.images.presign-ttl must be positive and at most 7 days");
      }
    }
  }

  /** How {@code s3://} images are delivered. */
  public enum S3Delivery {
    /** 307 to a presigned GET URL. */
    REDIRECT,
    /** Read by the service, checked and streamed. */
    STREAM
  }

  /**
   * @param apiKeys the keys that may call the API, each a name, the SHA-256 of the key and its
   *     roles; none means the API is open to anyone who can reach it
   */
  public record Security(List<ApiKey> apiKeys) {
    public Security {
      apiKeys = apiKeys == null ? List.of() : List.copyOf(apiKeys);
    }
  }

  /**
   * @param syncInterval how often each collection's table log is polled for commits the index has
   *     not seen (other writers, or ingests answered with {@code refresh=false})
   * @param buildThreads how many data files an index build reads at once
   * @param reindexRowsPerSecond the most rows a reindex job reads per second, to bound the load it
   *     puts on the table's storage and the CPU while the old index serves; 0 for no limit
   */
  public record Index(
      @DefaultValue("2s") Duration syncInterval,
      @DefaultValue("2") int buildThreads,
      @DefaultValue("0") double reindexRowsPerSecond) {
    public Index {
      if (syncInterval.isNegative() || syncInterval.isZero()) {
        throw new IllegalArgumentException("lakeshelf.index.sync-interval must be positive");
      }
      if (reindexRowsPerSecond < 0) {
        throw new IllegalArgumentException("lakeshelf.index.reindex-rows-per-second must be >= 0");
      }
      if (buildThreads < 1) {
        throw new IllegalArgumentException("lakeshelf.index.build-threads must be at least 1");
      }
    }
  }

  /**
   * @param candidates how many candidates HNSW explores for each search (at least k): 100 reaches
   *     recall@10 of about 0.98 on sentence embeddings, where 10 reaches 0.8
   */
  public record Search(@DefaultValue("100") int candidates) {
    public Search {
      if (candidates < 1 || candidates > 10_000) {
        throw new IllegalArgumentException("lakeshelf.search.candidates must be 1..10000");
      }
    }
  }

  /**
   * Request limits; each exceeded limit is refused with its code and nothing is written.
   *
   * @param maxRequestSize the largest request body under {@code /v1} (413 {@code
   *     PAYLOAD_TOO_LARGE})
   * @param maxDocuments the most documents one ingest, or ids one delete, may carry (413)
   * @param maxK the largest {@code k} a search may ask for, at most 1000 (400)
   * @param maxDimensions the most dimensions a named vector may have, at most 4096 (400)
   * @param maxTextLength the longest title or text of a document, and of a text query, in
   *     characters (400)
   * @param maxFilterDepth how deeply a filter's and/or/not may nest (400 {@code INVALID_FILTER})
   */
  public record Limits(
      @DefaultValue("64MB") DataSize maxRequestSize,
      @DefaultValue("1000") int maxDocuments,
      @DefaultValue("1000") int maxK,
      @DefaultValue("4096") int maxDimensions,
      @DefaultValue("1000000") int maxTextLength,
      @DefaultValue("8") int maxFilterDepth) {
    public Limits {
      if (maxFilterDepth < 1 || maxFilterDepth > 64) {
        throw new IllegalArgumentException("lakeshelf.limits.max-filter-depth must be 1..64");
      }
      if (maxRequestSize.toBytes() < 1024) {
        throw new IllegalArgumentException(
            "lakeshelf.limits.max-request-size must be at least 1KB");
      }
      if (maxDocuments < 1) {
        throw new IllegalArgumentException("lakeshelf.limits.max-documents must be at least 1");
      }
      if (maxK < 1 || maxK > VectorQuery.MAX_K) {
        throw new IllegalArgumentException(
            "lakeshelf.limits.max-k must be 1.." + VectorQuery.MAX_K);
      }
      if (maxDimensions < 1 || maxDimensions > VectorSpec.MAX_DIMENSIONS) {
        throw new IllegalArgumentException(
            "lakeshelf.limits.max-dimensions must be 1.." + VectorSpec.MAX_DIMENSIONS);
      }
      if (maxTextLength < 1) {
        throw new IllegalArgumentException("lakeshelf.limits.max-text-length must be at least 1");
      }
    }
  }
}
