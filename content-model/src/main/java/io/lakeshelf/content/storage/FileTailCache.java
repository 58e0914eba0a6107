package io.lakeshelf.content.storage;

import java.util.LinkedHashMap;
import java.util.Optional;
import org.apache.parquet.hadoop.metadata.ParquetMetadata;

/**
 * The tails (footer and page indexes) of immutable data files, kept so that a warm join reads only
 * the pages that hold its rows, and with each tail its footer once parsed, so that a warm join does
 * not decode it again. The one footer cache of an engine: least recently used tails leave first
 * once the cached bytes pass the bound; of the tails kept, only the {@code maxParsedFooters} most
 * recently used also keep their parsed footer (the others are parsed again from memory, with no
 * request, when next used). Keys are file URIs: Delta data files are never rewritten in place, so a
 * URI always names the same bytes.
 */
public final class FileTailCache {

  /**
   * Most footers kept parsed by default, so a warm join does not decode them again for every
   * search.
   */
  public static final int DEFAULT_PARSED_FOOTERS = 1024;

  /**
   * What a kept tail decodes to: at least its footer; a reader may keep more it derives from the
   * tail (parsed page indexes, say) by putting its own implementation.
   */
  public interface ParsedTail {
    ParquetMetadata footer();
  }

  private record Footer(ParquetMetadata footer) implements ParsedTail {}

  private static final class Entry {
    final FileTail tail;
    ParsedTail footer;

    Entry(FileTail tail, ParsedTail footer) {
      this.tail = tail;
      this.footer = footer;
    }
  }

  private final long maxBytes;
  private final int maxParsedFooters;
  private final LinkedHashMap<String, Entry> tails = new LinkedHashMap<>(64, 0.75f, true);
  private long bytes;
  private int parsed;

  /**
   * @param maxBytes the most tail bytes kept; 0 keeps none
   */
  public FileTailCache(long maxBytes) {
    this(maxBytes, DEFAULT_PARSED_FOOTERS);
  }

  /**
   * @param maxBytes the most tail bytes kept; 0 keeps none
   * @param maxParsedFooters the most of the kept tails that also keep their parsed footer
   */
  public FileTailCache(long maxBytes, int maxParsedFooters) {
    if (maxBytes < 0) {
      throw new IllegalArgumentException("maxBytes must not be negative");
    }
    if (maxParsedFooters < 0) {
      throw new IllegalArgumentException("maxParsedFooters must not be negative");
    }
    this.maxBytes = maxBytes;
    this.maxParsedFooters = maxParsedFooters;
  }

  public synchronized Optional<FileTail> get(String uri) {
    Entry e = tails.get(uri);
    return e == null ? Optional.empty() : Optional.of(e.tail);
  }

  /** A file's parsed footer, if its tail is kept and the footer was parsed recently enough. */
  public synchronized Optional<ParquetMetadata> footer(String uri) {
    return parsed(uri).map(ParsedTail::footer);
  }

  /** What a file's tail was parsed to, if its tail is kept and was parsed recently enough. */
  public synchronized Optional<ParsedTail> parsed(String uri) {
    Entry e = tails.get(uri);
    return e == null ? Optional.empty() : Optional.ofNullable(e.footer);
  }

  /**
   * Keeps a file's tail, replacing a shorter one; tails larger than the whole bound are not kept.
   */
  public synchronized void put(String uri, FileTail tail) {
    put(uri, tail, (ParsedTail) null);
  }

  /**
   * Keeps a file's tail and its parsed footer (null if not parsed), replacing what was kept for the
   * file; tails larger than the whole bound are not kept.
   */
  public synchronized void put(String uri, FileTail tail, ParquetMetadata footer) {
    put(uri, tail, footer == null ? null : new Footer(footer));
  }

  /**
   * Keeps a file's tail and what it was parsed to (null if not parsed), replacing what was kept for
   * the file; tails larger than the whole bound are not kept.
   */
  public synchronized void put(String uri, FileTail tail, ParsedTail footer) {
    if (tail.bytes().length > maxBytes) {
      return;
    }
    Entry old = tails.put(uri, new Entry(tail, footer));
    if (old != null) {
      bytes -= old.tail.bytes().length;
      if (old.footer != null) {
        parsed--;
      }
    }
    bytes += tail.bytes().length;
    if (footer != null) {
      parsed++;
    }
    var it = tails.entrySet().iterator();
    while (bytes > maxBytes && it.hasNext()) {
      Entry eldest = it.next().getValue();
      bytes -= eldest.tail.bytes().length;
      if (eldest.footer != null) {
        parsed--;
      }
      it.remove();
    }
    dropParsedFootersOverBound();
  }

  /** Keeps the parsed footer of a file whose tail is kept; does nothing if it is not. */
  public synchronized void putFooter(String uri, ParquetMetadata footer) {
    putParsed(uri, footer == null ? null : new Footer(footer));
  }

  /** Keeps what the tail of a file whose tail is kept was parsed to; does nothing if it is not. */
  public synchronized void putParsed(String uri, ParsedTail footer) {
    Entry e = tails.get(uri);
    if (e == null || footer == null) {
      return;
    }
    if (e.footer == null) {
      parsed++;
    }
    e.footer = footer;
    dropParsedFootersOverBound();
  }

  private void dropParsedFootersOverBound() {
    var it = tails.values().iterator();
    while (parsed > maxParsedFooters && it.hasNext()) {
      Entry eldest = it.next();
      if (eldest.footer != null) {
        eldest.footer = null;
        parsed--;
      }
    }
  }

  /** Drops every tail. */
  public synchronized void clear() {
    tails.clear();
    bytes = 0;
    parsed = 0;
  }
}
