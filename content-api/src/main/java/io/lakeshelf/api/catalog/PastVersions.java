package io.lakeshelf.api.catalog;

import io.lakeshelf.api.error.ApiException;
import io.lakeshelf.api.error.ErrorCode;
import io.lakeshelf.content.VectorSpec;
import io.lakeshelf.content.table.ContentColumns;
import io.lakeshelf.content.table.TableSnapshot;
import io.lakeshelf.index.IndexOptions;
import io.lakeshelf.index.SyncProgress;
import io.lakeshelf.index.TableUnreadableException;
import io.lakeshelf.index.VectorIndex;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.Closeable;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The in-memory indexes time travel ({@code asOfVersion}) searches, one per collection, vector and
 * table version, shared by every collection of the service and bounded in every way a request can
 * grow them:
 *
 * <ul>
 *   <li>a version with more live rows than {@link Limits#maxRows} (or whose vectors alone would
 *       take more than {@link Limits#maxBytes}) is refused with 422 {@code VERSION_TOO_LARGE},
 *       before anything is read when the log has row statistics, else as soon as the build has read
 *       more rows than that;
 *   <li>builds run on a pool of {@link Limits#threads} threads (each reads its version's files
 *       itself, one after another) with at most {@link Limits#queueCapacity} builds waiting; a
 *       build that finds no room is refused at once with 503 {@code OVERLOADED};
 *   <li>concurrent searches of one version share one build (single flight): only the first asks the
 *       pool, the others wait for its result;
 *   <li>built versions are cached, most recently used last, at most {@link Limits#cacheVersions} of
 *       them and at most {@link Limits#maxBytes} together (the one built last is kept even when it
 *       alone is larger, so its searches can use it); an evicted index is closed once the searches
 *       holding it are done.
 * </ul>
 *
 * <p>Metrics: {@code lakeshelf.time-travel.builds} (counter, tag {@code collection}), {@code
 * lakeshelf.time-travel.builds.active} and {@code .builds.queued} (gauges), {@code
 * lakeshelf.time-travel.cache.versions} and {@code .cache.bytes} (gauges), {@code
 * lakeshelf.time-travel.evictions} and {@code lakeshelf.time-travel.rejected} (counters, the latter
 * tagged {@code reason} = {@code too_large} or {@code overloaded}).
 */
public final class PastVersions implements Closeable {

  private static final Logger log = LoggerFactory.getLogger(PastVersions.class);

  /**
   * How often a search retries when the version it waited for was evicted before it could use it.
   */
  private static final int ATTEMPTS = 3;

  /**
   * @param maxRows the most live rows a past version may have to be searched
   * @param maxBytes the most bytes the cached versions may take together, and the most the vectors
   *     of one version may take
   * @param cacheVersions the most versions kept built
   * @param threads builds at once
   * @param queueCapacity builds that may wait for a thread
   */
  public record Limits(
      long maxRows, long maxBytes, int cacheVersions, int threads, int queueCapacity) {
    public Limits {
      if (maxRows < 1) {
        throw new IllegalArgumentException("lakeshelf.time-travel.max-rows must be at least 1");
      }
      if (maxBytes < 1) {
        throw new IllegalArgumentException("lakeshelf.time-travel.max-bytes must be positive");
      }
      if (cacheVersions < 1) {
        throw new IllegalArgumentException(
            "lakeshelf.time-travel.cache-versions must be at least 1");
      }
      if (threads < 1 || threads > 64) {
        throw new IllegalArgumentException("lakeshelf.time-travel.threads must be 1..64");
      }
      if (queueCapacity < 0) {
        throw new IllegalArgumentException(
            "lakeshelf.time-travel.queue-capacity must not be negative");
      }
    }
  }

  /** One past version of one collection's vector. The collection is compared by identity. */
  /** One version of one collection's vector, as built with these options. */
  record Key(ServedCollection collection, VectorSpec spec, IndexOptions options, long version) {}

  private final Limits limits;
  private final MeterRegistry meters;
  private final ThreadPoolExecutor pool;
  private final AtomicInteger active = new AtomicInteger();

  /** Builds under way, by version; guarded by {@code this}. */
  private final Map<Key, CompletableFuture<VectorIndex>> building = new HashMap<>();

  /** Built versions; guarded by {@code this}. */
  private final PastVersionCache cache;

  private boolean closed;

  public PastVersions(Limits limits, MeterRegistry meters) {
    this.limits = limits;
    this.meters = meters;
    BlockingQueue<Runnable> queue =
        limits.queueCapacity() == 0
            ? new SynchronousQueue<>()
            : new ArrayBlockingQueue<>(limits.queueCapacity());
    AtomicInteger n = new AtomicInteger();
    this.pool =
        new ThreadPoolExecutor(
            limits.threads(),
            limits.threads(),
            0,
            TimeUnit.MILLISECONDS,
            queue,
            r -> {
              Thread t = new Thread(r, "lakeshelf-time-travel-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            },
            new ThreadPoolExecutor.AbortPolicy());
    Gauge.builder("lakeshelf.time-travel.builds.active", active, AtomicInteger::get)
        .description("time-travel versions being built")
        .register(meters);
    Gauge.builder("lakeshelf.time-travel.builds.queued", pool, p -> p.getQueue().size())
        .description("time-travel builds waiting for a thread")
        .register(meters);
    Gauge.builder("lakeshelf.time-travel.cache.versions", this, PastVersions::cachedVersions)
        .description("time-travel versions kept built")
        .register(meters);
    Gauge.builder("lakeshelf.time-travel.cache.bytes", this, PastVersions::cachedBytes)
        .description("memory the kept time-travel versions take")
        .baseUnit("bytes")
        .register(meters);
    this.cache =
        new PastVersionCache(
            limits.cacheVersions(),
            limits.maxBytes(),
            Counter.builder("lakeshelf.time-travel.evictions")
                .description("time-travel versions dropped from the cache")
                .register(meters));
  }

  public Limits limits() {
    return limits;
  }

  synchronized int cachedVersions() {
    return cache.size();
  }

  synchronized long cachedBytes() {
    return cache.bytes();
  }

  /**
   * A view of the in-memory index of {@code snapshot}'s rows for {@code current}'s vector, built if
   * need be; close it when done.
   *
   * @throws ApiException 422 {@code VERSION_TOO_LARGE}, 503 {@code OVERLOADED}, or 404 {@code
   *     VERSION_NOT_AVAILABLE} when the version's files cannot be read any more
   */
  public VectorIndex.View acquire(
      ServedCollection collection,
      VectorIndex current,
      TableSnapshot snapshot,
      ContentColumns columns) {
    Key key = new Key(collection, current.spec(), current.options(), snapshot.version().value());
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      VectorIndex.View cached = cached(key);
      if (cached != null) {
        return cached;
      }
      checkSize(key, snapshot);
      CompletableFuture<VectorIndex> build;
      synchronized (this) {
        cached = cache.acquire(key);
        if (cached != null) {
          return cached;
        }
        if (closed) {
          throw new ApiException(ErrorCode.OVERLOADED, "the service is stopping; retry later");
        }
        build = building.get(key);
        if (build == null) {
          CompletableFuture<VectorIndex> started = new CompletableFuture<>();
          try {
            pool.execute(() -> build(key, snapshot, columns, started));
          } catch (RejectedExecutionException e) {
            rejected("overloaded");
            throw new ApiException(
                ErrorCode.OVERLOADED,
                "time travel is busy: "
                    + limits.threads()
                    + " version(s) being built and "
                    + limits.queueCapacity()
                    + " waiting (lakeshelf.time-travel.threads,"
                    + " lakeshelf.time-travel.queue-capacity); retry later");
          }
          building.put(key, started);
          build = started;
        }
      }
      VectorIndex index = await(build);
      VectorIndex.View view = index.tryAcquire();
      if (view != null) {
        return view;
      }
      // evicted (and closed) between its build and this search: look again
    }
    rejected("overloaded");
    throw new ApiException(
        ErrorCode.OVERLOADED,
        "time travel is busy: versions are evicted before they can be searched"
            + " (lakeshelf.time-travel.cache-versions, lakeshelf.time-travel.max-bytes); retry"
            + " later");
  }

  private synchronized VectorIndex.View cached(Key key) {
    return cache.acquire(key);
  }

  /** Refuses a version whose statistics say it is too large, before anything is read. */
  private void checkSize(Key key, TableSnapshot snapshot) {
    long rows = snapshot.rowCount();
    if (rows > limits.maxRows()) {
      rejected("too_large");
      throw tooManyRows(key, Long.toString(rows));
    }
    long vectorBytes = rows * key.spec().dimensions() * (long) Float.BYTES;
    if (rows >= 0 && vectorBytes > limits.maxBytes()) {
      rejected("too_large");
      throw new ApiException(
          ErrorCode.VERSION_TOO_LARGE,
          "version "
              + key.version()
              + " of the table has "
              + rows
              + " rows, whose "
              + key.spec().dimensions()
              + "-dimension vectors alone take "
              + vectorBytes
              + " bytes; time travel keeps at most "
              + limits.maxBytes()
              + " bytes of past versions (lakeshelf.time-travel.max-bytes)");
    }
  }

  private ApiException tooManyRows(Key key, String rows) {
    return new ApiException(
        ErrorCode.VERSION_TOO_LARGE,
        "version "
            + key.version()
            + " of the table has "
            + rows
            + " rows; time travel searches versions of at most "
            + limits.maxRows()
            + " rows (lakeshelf.time-travel.max-rows)");
  }

  private static final class TooManyRows extends RuntimeException {
    TooManyRows() {
      super(null, null, false, false);
    }
  }

  private void build(
      Key key,
      TableSnapshot snapshot,
      ContentColumns columns,
      CompletableFuture<VectorIndex> result) {
    active.incrementAndGet();
    VectorIndex past = null;
    try {
      Counter.builder("lakeshelf.time-travel.builds")
          .description("time-travel versions built in memory")
          .tag("collection", key.collection().name())
          .register(meters)
          .increment();
      long start = System.nanoTime();
      past = VectorIndex.inMemoryExact(key.spec(), key.options());
      long maxRows = limits.maxRows();
      AtomicBoolean over = new AtomicBoolean();
      SyncProgress cap =
          (filesDone, filesTotal, rowsDone) -> {
            if (rowsDone > maxRows) {
              over.set(true);
              throw new TooManyRows();
            }
          };
      // The files are read on this thread, one after another (a build takes one core at most),
      // and none is read once the rows read pass the cap (a log without row statistics).
      Executor onThisThread =
          task -> {
            if (over.get()) {
              throw new TooManyRows();
            }
            task.run();
          };
      past.syncTo(snapshot, columns, onThisThread, cap);
      long bytes = past.sizeInBytes();
      log.info(
          "Time travel: built version {} of {}/{} in memory, {} rows, {} bytes, in {} ms",
          key.version(),
          key.collection().name(),
          key.spec().name(),
          past.rowCount(),
          bytes,
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
      boolean kept;
      synchronized (this) {
        building.remove(key);
        kept = !closed;
        if (kept) {
          cache.put(key, past, bytes);
        }
      }
      if (!kept) {
        past.close();
        throw new IllegalStateException("the service is stopping");
      }
      result.complete(past);
    } catch (Throwable t) {
      synchronized (this) {
        building.remove(key);
      }
      if (past != null) {
        try {
          past.close();
        } catch (IOException | RuntimeException e) {
          t.addSuppressed(e);
        }
      }
      if (t instanceof TooManyRows) {
        rejected("too_large");
        result.completeExceptionally(tooManyRows(key, "more than " + limits.maxRows()));
      } else {
        result.completeExceptionally(t);
      }
    } finally {
      active.decrementAndGet();
    }
  }

  /** The build's index, or the build's failure as the API answers it. */
  private static VectorIndex await(CompletableFuture<VectorIndex> build) {
    try {
      return build.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ApiException(ErrorCode.OVERLOADED, "time travel was interrupted; retry later");
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof ApiException api) {
        throw new ApiException(api.code(), api.getMessage(), api.errors());
      }
      if (cause instanceof TableUnreadableException unreadable) {
        throw new TableUnreadableException(unreadable.getMessage());
      }
      throw new ApiException(
          ErrorCode.VERSION_NOT_AVAILABLE,
          "the version cannot be read any more: " + cause.getMessage());
    }
  }

  /**
   * Drops the versions of a collection that is closed (deleted, replaced, or the service stops).
   */
  public void forget(ServedCollection collection) {
    synchronized (this) {
      cache.removeIf(key -> key.collection() == collection);
    }
  }

  private void rejected(String reason) {
    Counter.builder("lakeshelf.time-travel.rejected")
        .description("time-travel searches refused: too large, or no room to build")
        .tag("reason", reason)
        .register(meters)
        .increment();
  }

  @Override
  public void close() {
    pool.shutdownNow();
    synchronized (this) {
      closed = true;
      cache.removeIf(key -> true);
    }
  }
}
