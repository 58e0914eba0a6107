package io.lakeshelf.content.storage;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The tails (footer and page indexes) of immutable data files, kept so that a warm join reads only
 * the pages that hold its rows. Least recently used tails leave first once the cached bytes pass
 * the bound. Keys are file URIs: Delta data files are never rewritten in place, so a URI always
 * names the same bytes.
 */
public final class FileTailCache {

  private final long maxBytes;
  private final LinkedHashMap<String, FileTail> tails = new LinkedHashMap<>(64, 0.75f, true);
  private long bytes;

  /** @param maxBytes the most tail bytes kept; 0 keeps none */
  public FileTailCache(long maxBytes) {
    if (maxBytes < 0) {
      throw new IllegalArgumentException("maxBytes must not be negative");
    }
    this.maxBytes = maxBytes;
  }

  public synchronized Optional<FileTail> get(String uri) {
    return Optional.ofNullable(tails.get(uri));
  }

  /** Keeps a file's tail, replacing a shorter one; tails larger than the whole bound are not kept. */
  public synchronized void put(String uri, FileTail tail) {
    if (tail.bytes().length > maxBytes) {
      return;
    }
    FileTail old = tails.put(uri, tail);
    if (old != null) {
      bytes -= old.bytes().length;
    }
    bytes += tail.bytes().length;
    var it = tails.entrySet().iterator();
    while (bytes > maxBytes && it.hasNext()) {
      Map.Entry<String, FileTail> eldest = it.next();
      bytes -= eldest.getValue().bytes().length;
      it.remove();
    }
  }

  /** Drops every tail. */
  public synchronized void clear() {
    tails.clear();
    bytes = 0;
  }
}
