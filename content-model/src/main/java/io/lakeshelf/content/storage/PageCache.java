package io.lakeshelf.content.storage;

import java.util.LinkedHashMap;
import java.util.Objects;
import java.util.Optional;

/**
 * Data-file pages already decoded by the join, kept so that a warm join of rows in a page it read
 * before decodes nothing: the buffer pool of the read path. Data files are immutable, so a page
 * named by its file, row group, column and position always holds the same values. Bounded by the
 * estimated bytes of what is kept; least recently used pages leave first. Thread-safe.
 */
public final class PageCache {

  /** Decoded bytes kept by default. */
  public static final long DEFAULT_BYTES = 64L << 20;

  /**
   * One page of one column chunk.
   *
   * @param file the data file's location
   * @param rowGroup the row group's ordinal in the file
   * @param column the column chunk's ordinal in the row group
   * @param page the page's ordinal in the chunk's offset index
   */
  public record Key(String file, int rowGroup, int column, int page) {
    public Key {
      Objects.requireNonNull(file, "file");
    }
  }

  private record Entry(Object value, long bytes) {}

  private final long maxBytes;
  private final LinkedHashMap<Key, Entry> pages = new LinkedHashMap<>(256, 0.75f, true);
  private long bytes;

  /**
   * @param maxBytes the most estimated bytes kept; 0 keeps nothing
   */
  public PageCache(long maxBytes) {
    if (maxBytes < 0) {
      throw new IllegalArgumentException("maxBytes must not be negative");
    }
    this.maxBytes = maxBytes;
  }

  /** Whether anything is ever kept. */
  public boolean enabled() {
    return maxBytes > 0;
  }

  /** A decoded page, if kept. */
  public synchronized Optional<Object> get(Key key) {
    Entry e = pages.get(key);
    return e == null ? Optional.empty() : Optional.of(e.value());
  }

  /**
   * Keeps a decoded page whose estimated size is {@code size} bytes; larger than the bound, not.
   */
  public synchronized void put(Key key, Object value, long size) {
    Objects.requireNonNull(value, "value");
    if (size > maxBytes) {
      return;
    }
    Entry old = pages.put(key, new Entry(value, size));
    if (old != null) {
      bytes -= old.bytes();
    }
    bytes += size;
    var it = pages.values().iterator();
    while (bytes > maxBytes && it.hasNext()) {
      bytes -= it.next().bytes();
      it.remove();
    }
  }

  /** The estimated bytes kept. */
  public synchronized long bytes() {
    return bytes;
  }

  /** Drops every page. */
  public synchronized void clear() {
    pages.clear();
    bytes = 0;
  }
}
