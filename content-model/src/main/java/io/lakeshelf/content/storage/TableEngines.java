package io.lakeshelf.content.storage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;

/** The Delta Kernel engines Lakeshelf reads and writes tables with. */
public final class TableEngines {

  /** Bytes a cold footer read asks for by default. */
  public static final int DEFAULT_TAIL_READ_SIZE = 64 << 10;

  /** Tail bytes cached by default. */
  public static final long DEFAULT_TAIL_CACHE_BYTES = 64L << 20;

  /** The page size Lakeshelf's data files are written with. */
  public static final int PAGE_SIZE = 64 << 10;

  /**
   * What Kernel's Parquet writer is told: no dictionary encoding. A dictionary pays for values that
   * repeat; embeddings never do (the float writer fills a dictionary page of distinct values, then
   * falls back to plain encoding, and that hashing was a fifth of an ingest's time), nor do ids and
   * texts. Snappy compression still shrinks repeated metadata keys. Pages of at most {@link
   * #PAGE_SIZE} bytes (parquet-mr checks the size every 100 rows at least, so a page holds at least
   * that many rows): a point read of one row fetches and decompresses one small page per column,
   * not a megabyte (Parquet's default), which is what a warm join on S3 transfers.
   */
  static final Map<String, String> WRITE_SETTINGS =
      Map.of(
          "parquet.enable.dictionary", "false", "parquet.page.size", Integer.toString(PAGE_SIZE));

  private TableEngines() {}

  /** An engine for tables on the local file system (S3 paths are refused), with default caches. */
  public static StorageEngine local() {
    return create(
        () -> {
          throw new IllegalStateException("S3 is not configured for this engine");
        },
        StorageRequestListener.NONE,
        DEFAULT_TAIL_CACHE_BYTES,
        DEFAULT_TAIL_READ_SIZE,
        PageCache.DEFAULT_BYTES);
  }

  /** An engine for local tables and tables on the S3 store the client talks to. */
  public static StorageEngine withS3(S3Client s3, StorageRequestListener listener) {
    return create(
        () -> s3,
        listener,
        DEFAULT_TAIL_CACHE_BYTES,
        DEFAULT_TAIL_READ_SIZE,
        PageCache.DEFAULT_BYTES);
  }

  /**
   * An engine for local tables and S3 tables.
   *
   * @param s3 the S3 client, asked for on the first S3 path only
   * @param listener told of every storage request (the {@code lakeshelf.storage.requests} metric)
   * @param tailCacheBytes the most data-file tail bytes cached for the join
   * @param tailReadSize the bytes a cold footer read asks for
   * @param pageCacheBytes the most decoded data-file page bytes kept for the join ({@link
   *     PageCache}); 0 keeps none
   */
  public static StorageEngine create(
      Supplier<S3Client> s3,
      StorageRequestListener listener,
      long tailCacheBytes,
      int tailReadSize,
      long pageCacheBytes) {
    Objects.requireNonNull(s3, "s3");
    Objects.requireNonNull(listener, "listener");
    Supplier<S3Client> client = memoize(s3);
    RangeReader local = new LocalRangeReader(listener);
    RangeReader ranges =
        new RangeReader() {
          private final Supplier<RangeReader> remote =
              memoize(() -> new S3RangeReader(client.get()));

          @Override
          public FileTail readTail(String uri, long fileLength, int bytes) throws IOException {
            return (S3Location.isS3(uri) ? remote.get() : local).readTail(uri, fileLength, bytes);
          }

          @Override
          public byte[] readRange(String uri, long offset, int length) throws IOException {
            return (S3Location.isS3(uri) ? remote.get() : local).readRange(uri, offset, length);
          }
        };
    RoutingFileIO files =
        new RoutingFileIO(
            new LocalFileIO(WRITE_SETTINGS, listener),
            memoize(() -> new S3FileIO(client.get(), WRITE_SETTINGS)));
    StorageEngine.TreeDeleter deleter =
        location -> {
          if (S3Location.isS3(location)) {
            deleteS3Prefix(client.get(), S3Location.parse(location));
          } else {
            deleteLocalTree(LocalFileIO.toPath(location));
          }
        };
    return new StorageEngine(
        files,
        ranges,
        new FileTailCache(tailCacheBytes),
        new PageCache(pageCacheBytes),
        tailReadSize,
        deleter);
  }

  private static void deleteS3Prefix(S3Client s3, S3Location location) throws IOException {
    String prefix =
        location.key().isEmpty() || location.key().endsWith("/")
            ? location.key()
            : location.key() + "/";
    try {
      for (var page : s3.listObjectsV2Paginator(b -> b.bucket(location.bucket()).prefix(prefix))) {
        if (!page.contents().isEmpty()) {
          s3.deleteObjects(
              b ->
                  b.bucket(location.bucket())
                      .delete(
                          d ->
                              d.objects(
                                  page.contents().stream()
                                      .map(o -> ObjectIdentifier.builder().key(o.key()).build())
                                      .toList())));
        }
      }
    } catch (SdkException e) {
      throw StorageException.of(location.uri(), e);
    }
  }

  private static void deleteLocalTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (var paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  private static <T> Supplier<T> memoize(Supplier<T> supplier) {
    return new Supplier<>() {
      private volatile T value;

      @Override
      public T get() {
        T v = value;
        if (v == null) {
          synchronized (this) {
            v = value;
            if (v == null) {
              v = Objects.requireNonNull(supplier.get());
              value = v;
            }
          }
        }
        return v;
      }
    };
  }
}
