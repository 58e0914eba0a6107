package io.lakeshelf.index.embed;

import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The real model behind a gate a test opens, so that a test decides when batches finish: each
 * {@link #embed} call waits for a permit first. Counts the calls running at once.
 */
final class GatedEmbedder implements TextEmbedder {

  private final TextEmbedder model;
  private final Semaphore gate = new Semaphore(0);
  private final AtomicInteger running = new AtomicInteger();
  private final AtomicInteger maxRunning = new AtomicInteger();
  private final AtomicInteger waiting = new AtomicInteger();
  private final AtomicInteger calls = new AtomicInteger();

  GatedEmbedder(TextEmbedder model) {
    this.model = model;
  }

  /** Lets {@code n} more calls through. */
  void open(int n) {
    gate.release(n);
  }

  /** Lets every call through from now on. */
  void openForGood() {
    gate.release(1_000_000);
  }

  /** Calls waiting at the gate now. */
  int waiting() {
    return waiting.get();
  }

  /** The most calls that were inside at once. */
  int maxRunning() {
    return maxRunning.get();
  }

  int calls() {
    return calls.get();
  }

  /** Waits until {@code n} calls wait at the gate. */
  void awaitWaiting(int n) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (waiting.get() < n) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "expected " + n + " calls at the gate, there are " + waiting.get());
      }
      Thread.sleep(5);
    }
  }

  @Override
  public String name() {
    return model.name();
  }

  @Override
  public int dimensions() {
    return model.dimensions();
  }

  @Override
  public boolean normalized() {
    return model.normalized();
  }

  @Override
  public float[][] embed(List<String> texts) {
    calls.incrementAndGet();
    int now = running.incrementAndGet();
    maxRunning.accumulateAndGet(now, Math::max);
    try {
      waiting.incrementAndGet();
      gate.acquireUninterruptibly();
      waiting.decrementAndGet();
      return model.embed(texts);
    } finally {
      running.decrementAndGet();
    }
  }
}
