package io.lakeshelf.api.jobs;

import io.lakeshelf.api.catalog.AtomicFile;
import io.lakeshelf.api.catalog.CollectionRegistry;
import io.lakeshelf.api.catalog.NewGeneration;
import io.lakeshelf.api.catalog.ServedCollection;
import io.lakeshelf.api.error.ApiException;
import io.lakeshelf.api.error.ErrorCode;
import io.lakeshelf.content.VectorSpec;
import io.lakeshelf.content.table.TableSnapshot;
import io.lakeshelf.index.VectorIndex;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reindex jobs: each rebuilds a collection's indexes from its table beside the serving ones, which
 * keep serving until the new ones are complete; then the switch is atomic. One job per collection
 * at a time. A job reports rows done of rows total while it runs, can be cancelled, and a job a
 * restart interrupts is marked failed on the next start (its half-built index is discarded). On a
 * graceful stop ({@link #close}) a running job is stopped, its half-built index deleted and the job
 * marked failed the same way, before the service closes its collections: nothing writes under the
 * data directory once the service has stopped.
 */
public final class ReindexJobs implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ReindexJobs.class);
  private static final String STOPPED =
      "the service stopped while the job ran; the previous index kept serving";

  /** How long a stop waits for a running job to end and remove what it wrote. */
  private static final Duration STOP_WAIT = Duration.ofSeconds(30);

  private final CollectionRegistry registry;
  private final Path dir;
  private final JsonMapper json;
  private final ExecutorService runner;
  private final double rowsPerSecond;
  private final Map<String, Job> jobs = new ConcurrentHashMap<>();
  private final Map<String, Boolean> cancelled = new ConcurrentHashMap<>();
  private volatile boolean stopping;

  /** Told the name of each collection a reindex switched to its new indexes. */
  private final java.util.function.Consumer<String> afterReindex;

  /**
   * @param rowsPerSecond the most rows a job reads per second, to bound its load; 0 for no limit
   */
  public ReindexJobs(
      CollectionRegistry registry,
      Path dir,
      JsonMapper json,
      ExecutorService runner,
      double rowsPerSecond) {
    this(registry, dir, json, runner, rowsPerSecond, name -> {});
  }

  /**
   * @param rowsPerSecond the most rows a job reads per second, to bound its load; 0 for no limit
   * @param afterReindex told the collection's name once a job switched to its new indexes (to
   *     publish them as snapshots, say)
   */
  public ReindexJobs(
      CollectionRegistry registry,
      Path dir,
      JsonMapper json,
      ExecutorService runner,
      double rowsPerSecond,
      java.util.function.Consumer<String> afterReindex) {
    this.afterReindex = afterReindex;
    this.registry = registry;
    this.dir = dir;
    this.json = json;
    this.runner = runner;
    this.rowsPerSecond = rowsPerSecond;
    load();
  }

  /** Loads stored jobs; those a restart interrupted are marked failed. */
  private void load() {
    if (!Files.isDirectory(dir)) {
      return;
    }
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".json")).toList()) {
        try {
          Job job = json.readValue(f.toFile(), Job.class);
          if (job.state().isActive()) {
            job =
                job.with(
                    JobState.FAILED,
                    job.rowsDone(),
                    job.rowsTotal(),
                    job.tableVersion(),
                    Instant.now(),
                    STOPPED);
            save(job);
            log.warn(
                "Reindex job {} of collection {} was interrupted by a restart: marked failed",
                job.id(),
                job.collection());
          }
          jobs.put(job.id(), job);
        } catch (RuntimeException e) {
          log.warn("Cannot read job file {}: skipped", f, e);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public List<Job> all() {
    List<Job> list = new ArrayList<>(jobs.values());
    list.sort(Comparator.comparing(Job::startedAt).reversed());
    return list;
  }

  public Optional<Job> find(String id) {
    return Optional.ofNullable(jobs.get(id));
  }

  /** Starts a reindex of a collection: 409 {@code REINDEX_IN_PROGRESS} if one runs. */
  public synchronized Job start(String collection) {
    ServedCollection c = registry.get(collection);
    for (Job j : jobs.values()) {
      if (j.collection().equals(collection) && j.state().isActive()) {
        throw new ApiException(
            ErrorCode.REINDEX_IN_PROGRESS,
            "collection '" + collection + "' is being reindexed by job " + j.id());
      }
    }
    Job job =
        new Job(
            UUID.randomUUID().toString(),
            collection,
            "reindex",
            JobState.QUEUED,
            0,
            -1,
            c.tableVersion().value(),
            Instant.now(),
            null,
            null);
    update(job);
    runner.submit(() -> run(job.id(), c));
    log.info("Reindex job {} of collection {} queued", job.id(), collection);
    return job;
  }

  /** Asks a running job to stop; it ends cancelled and the serving index stays as it was. */
  public Job cancel(String id) {
    Job job =
        find(id)
            .orElseThrow(() -> new ApiException(ErrorCode.JOB_NOT_FOUND, "no job '" + id + "'"));
    if (job.state().isActive()) {
      cancelled.put(id, true);
    }
    return jobs.get(id);
  }

  /**
   * Runs {@code action} (such as deleting the collection) with no reindex of the collection running
   * and none able to start: a running job is cancelled first, and the action waits until it has
   * ended and removed what it wrote; a queued one is cancelled before it starts. 409 {@code
   * REINDEX_IN_PROGRESS} if a job does not stop within {@code timeout}.
   */
  public synchronized <T> T whileNoneRuns(String collection, Duration timeout, Callable<T> action)
      throws Exception {
    List<String> active = new ArrayList<>();
    for (Job j : jobs.values()) {
      if (j.collection().equals(collection) && j.state().isActive()) {
        active.add(j.id());
      }
    }
    for (String id : active) {
      cancelled.put(id, true);
      // Atomic with the job's own move from queued to running (see run).
      Job before = jobs.get(id);
      Job after =
          jobs.computeIfPresent(
              id,
              (k, j) ->
                  j.state() == JobState.QUEUED
                      ? j.with(
                          JobState.CANCELLED,
                          0,
                          j.rowsTotal(),
                          j.tableVersion(),
                          Instant.now(),
                          null)
                      : j);
      if (after != null && after != before && after.state() == JobState.CANCELLED) {
        save(after);
        log.info("Reindex job {} of {} cancelled before it started", id, collection);
      }
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    for (String id : active) {
      while (jobs.get(id).state().isActive()) {
        if (System.nanoTime() > deadline) {
          throw new ApiException(
              ErrorCode.REINDEX_IN_PROGRESS,
              "reindex job "
                  + id
                  + " of collection '"
                  + collection
                  + "' did not stop within "
                  + timeout.toSeconds()
                  + " s; repeat the request");
        }
        Thread.sleep(10);
      }
    }
    return action.call();
  }

  private void run(String id, ServedCollection c) {
    // Queued to running atomically, unless the job was cancelled before it started.
    boolean[] began = new boolean[1];
    jobs.computeIfPresent(
        id,
        (k, j) -> {
          if (j.state() != JobState.QUEUED || cancelled.containsKey(id)) {
            return j;
          }
          began[0] = true;
          return j.with(JobState.RUNNING, 0, j.rowsTotal(), j.tableVersion(), null, null);
        });
    if (!began[0]) {
      Job j = jobs.get(id);
      if (j != null && j.state().isActive()) {
        update(j.with(JobState.CANCELLED, 0, j.rowsTotal(), j.tableVersion(), Instant.now(), null));
      }
      cancelled.remove(id);
      return;
    }
    long started = System.nanoTime();
    AtomicLong done = new AtomicLong();
    try (NewGeneration generation = new NewGeneration(registry.indexDirectoriesOf(c.name()))) {
      TableSnapshot snapshot = c.table().latest();
      long perVector = snapshot.rowCount();
      List<VectorSpec> specs = c.vectorSpecs();
      long total = perVector < 0 ? -1 : perVector * specs.size();
      Job job =
          jobs.get(id).with(JobState.RUNNING, 0, total, snapshot.version().value(), null, null);
      update(job);
      log.info(
          "Reindex job {}: rebuilding {} from table version {} ({} rows)",
          id,
          c.name(),
          snapshot.version(),
          total);
      long base = 0;
      for (VectorSpec spec : specs) {
        VectorIndex index = generation.open(spec, c.definition().indexOptions(spec.name()));
        long offset = base;
        AtomicLong lastSave = new AtomicLong(System.nanoTime());
        index.syncTo(
            snapshot,
            c.table().columns(),
            c.buildExecutor(),
            (files, filesTotal, rows) -> {
              if (cancelled.containsKey(id) || stopping) {
                throw new CancellationException("cancelled");
              }
              done.set(offset + rows);
              throttle(started, done.get());
              if (System.nanoTime() - lastSave.get() > 1_000_000_000L) {
                lastSave.set(System.nanoTime());
                update(
                    jobs.get(id)
                        .with(
                            JobState.RUNNING,
                            done.get(),
                            total,
                            snapshot.version().value(),
                            null,
                            null));
              }
            });
        base += Math.max(0, perVector);
        done.set(base);
      }
      if (cancelled.containsKey(id)) {
        throw new CancellationException("cancelled");
      }
      if (registry.find(c.name()).orElse(null) != c) {
        throw new IllegalStateException(
            "collection " + c.name() + " was deleted or changed meanwhile");
      }
      generation.switchTo(fresh -> c.swap(fresh).values());
      update(
          jobs.get(id)
              .with(
                  JobState.SUCCEEDED,
                  total < 0 ? done.get() : total,
                  total,
                  c.indexedVersion().value(),
                  Instant.now(),
                  null));
      log.info(
          "Reindex job {} of {} succeeded: now serving version {}",
          id,
          c.name(),
          c.indexedVersion());
      afterReindex.accept(c.name());
    } catch (CancellationException e) {
      Job j = jobs.get(id);
      if (stopping && !cancelled.containsKey(id)) {
        update(
            j.with(
                JobState.FAILED,
                done.get(),
                j.rowsTotal(),
                j.tableVersion(),
                Instant.now(),
                STOPPED));
        log.info("Reindex job {} of {} stopped with the service; marked failed", id, c.name());
        return;
      }
      update(
          j.with(
              JobState.CANCELLED,
              done.get(),
              j.rowsTotal(),
              j.tableVersion(),
              Instant.now(),
              null));
      log.info("Reindex job {} of {} cancelled; the previous index keeps serving", id, c.name());
    } catch (Exception e) {
      Job j = jobs.get(id);
      // a stop interrupts the job wherever it is, which may surface as any failure
      String reason = stopping ? STOPPED : e.getMessage() == null ? e.toString() : e.getMessage();
      update(
          j.with(
              JobState.FAILED, done.get(), j.rowsTotal(), j.tableVersion(), Instant.now(), reason));
      log.error("Reindex job {} of {} failed; the previous index keeps serving", id, c.name(), e);
    } finally {
      cancelled.remove(id);
    }
  }

  /**
   * Stops the running job (its half-built index is deleted, the job marked failed) and waits up to
   * {@link #STOP_WAIT} for it to end; queued jobs do not start.
   */
  @Override
  public void close() {
    stopping = true;
    runner.shutdownNow();
    try {
      if (!runner.awaitTermination(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
        log.warn("A reindex job did not stop within {}; the next start marks it failed", STOP_WAIT);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void throttle(long startedNanos, long rows) {
    if (rowsPerSecond <= 0) {
      return;
    }
    long dueNanos = startedNanos + (long) (rows / rowsPerSecond * 1e9);
    long wait = dueNanos - System.nanoTime();
    if (wait > 0) {
      try {
        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CancellationException("interrupted");
      }
    }
  }

  private void update(Job job) {
    jobs.put(job.id(), job);
    save(job);
  }

  private void save(Job job) {
    try {
      AtomicFile.replace(dir.resolve(job.id() + ".json"), json.writeValueAsBytes(job));
    } catch (IOException | RuntimeException e) {
      log.warn("Cannot save job {}", job.id(), e);
    }
  }
}
