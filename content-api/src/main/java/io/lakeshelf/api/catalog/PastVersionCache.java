package io.lakeshelf.api.catalog;

import io.lakeshelf.api.catalog.PastVersions.Key;
import io.lakeshelf.index.VectorIndex;
import io.micrometer.core.instrument.Counter;
import java.io.IOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The in-memory indexes of past versions that {@link PastVersions} keeps built, least recently used
 * first, bounded by a count and by the bytes they take. Not thread-safe: its owner guards it. An
 * evicted index is closed; a search holding a view of it keeps its reader until it is done.
 */
final class PastVersionCache {

  private static final Logger log = LoggerFactory.getLogger(PastVersionCache.class);

  private record Entry(VectorIndex index, long bytes) {}

  private final int maxVersions;
  private final long maxBytes;
  private final Counter evictions;
  private final LinkedHashMap<Key, Entry> entries = new LinkedHashMap<>(16, 0.75f, true);
  private long bytes;

  PastVersionCache(int maxVersions, long maxBytes, Counter evictions) {
    this.maxVersions = maxVersions;
    this.maxBytes = maxBytes;
    this.evictions = evictions;
  }

  int size() {
    return entries.size();
  }

  long bytes() {
    return bytes;
  }

  /** A view of the kept version, or null when it is not kept (or was closed meanwhile). */
  VectorIndex.View acquire(Key key) {
    Entry e = entries.get(key);
    if (e == null) {
      return null;
    }
    VectorIndex.View view = e.index().tryAcquire();
    if (view == null) {
      entries.remove(key);
      bytes -= e.bytes();
    }
    return view;
  }

  /** Keeps a built version, then evicts the least recently used beyond the bounds, never it. */
  void put(Key key, VectorIndex index, long size) {
    entries.put(key, new Entry(index, size));
    bytes += size;
    Iterator<Map.Entry<Key, Entry>> eldest = entries.entrySet().iterator();
    while ((entries.size() > maxVersions || bytes > maxBytes) && eldest.hasNext()) {
      Map.Entry<Key, Entry> e = eldest.next();
      if (e.getKey().equals(key)) {
        continue;
      }
      eldest.remove();
      bytes -= e.getValue().bytes();
      evictions.increment();
      closeQuietly(e.getValue().index());
    }
  }

  /** Drops and closes the kept versions whose key matches. */
  void removeIf(Predicate<Key> which) {
    Iterator<Map.Entry<Key, Entry>> it = entries.entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<Key, Entry> e = it.next();
      if (which.test(e.getKey())) {
        it.remove();
        bytes -= e.getValue().bytes();
        closeQuietly(e.getValue().index());
      }
    }
  }

  static void closeQuietly(VectorIndex index) {
    try {
      index.close();
    } catch (IOException | RuntimeException e) {
      log.warn("Time travel: closing an evicted version failed: {}", e.toString());
    }
  }
}
