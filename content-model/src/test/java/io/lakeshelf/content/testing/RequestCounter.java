package io.lakeshelf.content.testing;

import io.lakeshelf.content.storage.StorageOperation;
import io.lakeshelf.content.storage.StorageRequestListener;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** Counts storage requests by operation, for tests that pin what an operation costs. */
public final class RequestCounter implements StorageRequestListener {

  private final Map<StorageOperation, AtomicLong> counts = new ConcurrentHashMap<>();

  @Override
  public void onRequest(String store, StorageOperation operation) {
    counts.computeIfAbsent(operation, o -> new AtomicLong()).incrementAndGet();
  }

  /** The requests made since the last reset, by operation (operations with none left out). */
  public Map<StorageOperation, Long> snapshot() {
    Map<StorageOperation, Long> out = new EnumMap<>(StorageOperation.class);
    counts.forEach(
        (op, n) -> {
          if (n.get() > 0) {
            out.put(op, n.get());
          }
        });
    return out;
  }

  public long total() {
    return counts.values().stream().mapToLong(AtomicLong::get).sum();
  }

  public void reset() {
    counts.clear();
  }
}
