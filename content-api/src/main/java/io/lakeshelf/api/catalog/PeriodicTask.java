package io.lakeshelf.api.catalog;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.springframework.context.SmartLifecycle;

/**
 * Work the service repeats on a daemon thread of its own while it runs, a fixed delay apart:
 * started and stopped with the application context (stop waits up to 30 s for a round to end).
 */
abstract class PeriodicTask implements SmartLifecycle {

  private final String threadName;
  private ScheduledExecutorService scheduler;

  PeriodicTask(String threadName) {
    this.threadName = threadName;
  }

  /** The delay between the end of one round and the start of the next; null for never. */
  abstract Duration interval();

  /** How long after start the first round runs. */
  Duration firstDelay() {
    return Duration.ZERO;
  }

  /** One round; it handles its own failures. */
  abstract void runOnce();

  @Override
  public synchronized void start() {
    Duration interval = interval();
    if (interval == null) {
      return;
    }
    scheduler =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, threadName);
              t.setDaemon(true);
              return t;
            });
    scheduler.scheduleWithFixedDelay(
        this::runOnce, firstDelay().toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public synchronized void stop() {
    if (scheduler != null) {
      scheduler.shutdownNow();
      try {
        scheduler.awaitTermination(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      scheduler = null;
    }
  }

  @Override
  public synchronized boolean isRunning() {
    return scheduler != null;
  }
}
