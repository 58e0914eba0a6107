package io.lakeshelf.index.embed;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.IntStream;

/**
 * Runs a {@link TextEmbedder} in batches on a bounded pool of threads, for any number of concurrent
 * callers.
 *
 * <p>{@link #embedAll} orders a caller's texts by length, splits them into batches of {@link
 * EmbeddingOptions#batchSize()} and hands the batches to the pool one by one, each once there is
 * room for it: all callers together have at most {@link EmbeddingOptions#maxBatchesInFlight()}
 * batches running or queued. A caller waits for room in turn with the others (first come, first
 * served, batch by batch, so that a large call does not starve small ones) and is rejected with
 * {@link EmbeddingRejectedException} when none comes within {@link
 * EmbeddingOptions#admissionTimeout()}. So however many callers there are, embedding takes at most
 * {@link EmbeddingOptions#threads()} cores, at most {@link EmbeddingOptions#queueCapacity()}
 * batches wait in the queue, and the callers beyond wait holding only their own texts, or are
 * turned away.
 *
 * <p>The service does not own its embedder: close the embedder after the service. Do not call the
 * service from within an embedder it runs.
 */
public final class EmbeddingService implements AutoCloseable {

  private static final AtomicInteger POOLS = new AtomicInteger();

  private final TextEmbedder embedder;
  private final EmbeddingOptions options;
  private final ThreadPoolExecutor pool;
  private final ReentrantLock admission = new ReentrantLock(true);
  private final Condition room = admission.newCondition();
  private int inFlight; // guarded by admission
  private boolean closed; // guarded by admission

  public EmbeddingService(TextEmbedder embedder, EmbeddingOptions options) {
    this.embedder = Objects.requireNonNull(embedder, "embedder");
    this.options = Objects.requireNonNull(options, "options");
    String prefix = "lakeshelf-embed-" + POOLS.incrementAndGet() + "-";
    AtomicInteger threads = new AtomicInteger();
    // Admission keeps the queue within its capacity; the executor's bound is a second line.
    this.pool =
        new ThreadPoolExecutor(
            options.threads(),
            options.threads(),
            0,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(options.maxBatchesInFlight()),
            r -> {
              Thread t = new Thread(r, prefix + threads.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
  }

  public TextEmbedder embedder() {
    return embedder;
  }

  public EmbeddingOptions options() {
    return options;
  }

  /** Batches of all callers running or waiting for a thread now. */
  public int batchesInFlight() {
    admission.lock();
    try {
      return inFlight;
    } finally {
      admission.unlock();
    }
  }

  /** The vector of one text. */
  public float[] embed(String text) throws InterruptedException {
    return embedAll(List.of(text))[0];
  }

  /**
   * One vector per text, in the order of {@code texts}, embedded in batches on the pool. Blocks
   * until all are done.
   *
   * @throws NullPointerException if {@code texts} or one of its texts is null
   * @throws EmbeddingRejectedException if room for one of the batches did not come within the
   *     admission timeout; the call's other batches are dropped
   * @throws EmbeddingException if the model failed on one of the batches
   * @throws EmbeddingClosedException (an {@link IllegalStateException}) if the service is shut down
   *     or closed, or shuts down before the call is done
   * @throws InterruptedException if the caller is interrupted; the call's batches are dropped
   */
  public float[][] embedAll(List<String> texts) throws InterruptedException {
    List<String> all = List.copyOf(texts); // and no nulls
    if (all.isEmpty()) {
      return new float[0][];
    }
    int[] order =
        IntStream.range(0, all.size())
            .boxed()
            .sorted(Comparator.comparingInt(i -> all.get(i).length()))
            .mapToInt(Integer::intValue)
            .toArray();
    Call call = new Call(all);
    try {
      for (int from = 0;
          from < order.length && !call.result.isDone();
          from += options.batchSize()) {
        int to = Math.min(order.length, from + options.batchSize());
        admit();
        if (call.result.isDone()) { // a batch failed while this one waited for room
          release();
          break;
        }
        try {
          pool.execute(new Batch(call, Arrays.copyOfRange(order, from, to)));
        } catch (RejectedExecutionException e) { // the pool shut down after admission
          release();
          throw closedException();
        }
      }
      return call.await();
    } catch (InterruptedException | RuntimeException e) {
      call.abandoned = true;
      throw e;
    }
  }

  /** Waits for room for one batch, then takes it. */
  private void admit() throws InterruptedException {
    admission.lockInterruptibly();
    try {
      long nanos = options.admissionTimeout().toNanos();
      while (true) {
        if (closed) {
          throw closedException();
        }
        if (inFlight < options.maxBatchesInFlight()) {
          inFlight++;
          return;
        }
        if (nanos <= 0) {
          throw new EmbeddingRejectedException(
              "embedding is busy: no room for a batch within "
                  + options.admissionTimeout()
                  + " ("
                  + inFlight
                  + " batches running or queued)");
        }
        nanos = room.awaitNanos(nanos);
      }
    } finally {
      admission.unlock();
    }
  }

  private void release() {
    admission.lock();
    try {
      inFlight--;
      room.signalAll();
    } finally {
      admission.unlock();
    }
  }

  private static EmbeddingClosedException closedException() {
    return new EmbeddingClosedException("the embedding service is shut down");
  }

  /**
   * Stops taking texts, without waiting: callers waiting for room, those whose batches are still
   * queued, and later callers get {@link EmbeddingClosedException}; batches running finish and
   * their callers get their vectors if none of their batches was dropped. For a graceful shutdown:
   * call this first, let the requests running finish, then {@link #close()}. Idempotent.
   */
  public void shutdown() {
    admission.lock();
    try {
      closed = true;
      room.signalAll();
    } finally {
      admission.unlock();
    }
    pool.shutdown();
    List<Runnable> queued = new ArrayList<>();
    pool.getQueue().drainTo(queued);
    for (Runnable r : queued) {
      release();
      ((Batch) r).call.result.completeExceptionally(closedException());
    }
  }

  /** Whether {@link #shutdown()} or {@link #close()} was called. */
  public boolean isShutdown() {
    admission.lock();
    try {
      return closed;
    } finally {
      admission.unlock();
    }
  }

  /**
   * {@link #shutdown()}, then waits until the batches running have returned from the embedder and
   * the pool's threads have ended: once this returns, no thread of this service is in the embedder,
   * so the embedder may be closed. A batch running cannot be interrupted (a model call runs to its
   * end), so this waits as long as the longest batch takes. If the calling thread is interrupted,
   * it stops waiting, keeps its interrupt status, and the batches still run.
   */
  @Override
  public void close() {
    shutdown();
    try {
      while (!pool.awaitTermination(1, TimeUnit.MINUTES)) {
        // A batch is still running: the model cannot be interrupted, so wait for it.
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** One caller's texts, the vectors found so far and the outcome. */
  private static final class Call {
    final List<String> texts;
    final float[][] vectors;
    final AtomicInteger remaining;
    final CompletableFuture<float[][]> result = new CompletableFuture<>();
    volatile boolean abandoned;

    Call(List<String> texts) {
      this.texts = texts;
      this.vectors = new float[texts.size()][];
      this.remaining = new AtomicInteger(texts.size());
    }

    void deliver(int[] indices, float[][] batch) {
      for (int i = 0; i < indices.length; i++) {
        vectors[indices[i]] = batch[i];
      }
      if (remaining.addAndGet(-indices.length) == 0) {
        result.complete(vectors);
      }
    }

    float[][] await() throws InterruptedException {
      try {
        return result.get();
      } catch (ExecutionException e) {
        Throwable cause = e.getCause();
        if (cause instanceof EmbeddingClosedException closed) { // the service or its model closed
          throw new EmbeddingClosedException(closed.getMessage(), closed);
        }
        if (cause instanceof IllegalStateException ise) {
          throw new IllegalStateException(ise.getMessage(), ise);
        }
        if (cause instanceof Error error) {
          throw error;
        }
        throw new EmbeddingException("embedding failed: " + cause.getMessage(), cause);
      }
    }
  }

  /** Some of one call's texts, embedded in one call of the model. */
  private final class Batch implements Runnable {
    final Call call;
    final int[] indices;

    Batch(Call call, int[] indices) {
      this.call = call;
      this.indices = indices;
    }

    @Override
    public void run() {
      float[][] vectors = null;
      Throwable failure = null;
      try {
        if (!call.abandoned && !call.result.isDone()) {
          List<String> texts = new ArrayList<>(indices.length);
          for (int i : indices) {
            texts.add(call.texts.get(i));
          }
          vectors = embedder.embed(texts);
          check(vectors, texts.size());
        }
      } catch (RuntimeException | Error e) {
        failure = e;
      } finally {
        // Free the room before the caller hears of the outcome, so that a caller whose call is
        // done finds the room its batches took free again.
        release();
      }
      if (failure != null) {
        call.result.completeExceptionally(failure);
      } else if (vectors != null) {
        call.deliver(indices, vectors);
      }
    }

    private void check(float[][] vectors, int expected) {
      if (vectors == null || vectors.length != expected) {
        throw new EmbeddingException(
            "model "
                + embedder.name()
                + " returned "
                + (vectors == null ? "null" : vectors.length + " vectors")
                + " for "
                + expected
                + " texts");
      }
      for (float[] v : vectors) {
        if (v == null || v.length != embedder.dimensions()) {
          throw new EmbeddingException(
              "model "
                  + embedder.name()
                  + " returned a vector of "
                  + (v == null ? "null" : v.length + " dimensions")
                  + ", not "
                  + embedder.dimensions());
        }
      }
    }
  }
}
