package io.lakeshelf.index.embed;

import java.time.Duration;
import java.util.Objects;

/**
 * How an {@link EmbeddingService} runs embedding.
 *
 * @param batchSize texts embedded together in one call of the model, 1 to {@value #MAX_BATCH_SIZE}
 * @param threads batches embedded at once, each on its own thread (and core), 1 or more
 * @param queueCapacity batches that may wait for a thread, 0 or more; with the running ones, at
 *     most {@code threads + queueCapacity} batches of all callers together are admitted at a time
 * @param admissionTimeout how long a caller waits for room for its next batch before it is rejected
 *     with {@link EmbeddingRejectedException}; zero rejects at once when the pool is full
 */
public record EmbeddingOptions(
    int batchSize, int threads, int queueCapacity, Duration admissionTimeout) {

  public static final int MAX_BATCH_SIZE = 1024;
  public static final int DEFAULT_BATCH_SIZE = 16;
  public static final Duration DEFAULT_ADMISSION_TIMEOUT = Duration.ofSeconds(30);

  public EmbeddingOptions {
    if (batchSize < 1 || batchSize > MAX_BATCH_SIZE) {
      throw new IllegalArgumentException(
          "batchSize must be between 1 and " + MAX_BATCH_SIZE + ", got " + batchSize);
    }
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be at least 1, got " + threads);
    }
    if (queueCapacity < 0) {
      throw new IllegalArgumentException(
          "queueCapacity must not be negative, got " + queueCapacity);
    }
    Objects.requireNonNull(admissionTimeout, "admissionTimeout");
    if (admissionTimeout.isNegative()) {
      throw new IllegalArgumentException(
          "admissionTimeout must not be negative, got " + admissionTimeout);
    }
  }

  /**
   * Batches of {@value #DEFAULT_BATCH_SIZE}, one thread per available core, four batches queued per
   * thread, callers waiting up to 30 s for room.
   */
  public static EmbeddingOptions defaults() {
    int cores = Runtime.getRuntime().availableProcessors();
    return new EmbeddingOptions(DEFAULT_BATCH_SIZE, cores, 4 * cores, DEFAULT_ADMISSION_TIMEOUT);
  }

  /** At most this many batches are running or waiting at once. */
  public int maxBatchesInFlight() {
    return threads + queueCapacity;
  }
}
