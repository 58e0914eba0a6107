package io.lakeshelf.index;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.search.ReferenceManager;
import org.apache.lucene.store.AlreadyClosedException;

/**
 * The published generations of an index: a {@link ReferenceManager} whose references are {@link
 * Generation}s, so that a reader always pairs with the table version it reflects. Searches {@link
 * #acquire} and {@link #release} the current one; the (single, serialized) writer publishes with
 * {@link #publish} after each commit, and {@link #reopen} after the writer was opened again.
 */
final class Generations extends ReferenceManager<Generation> {

  private volatile IndexWriter writer;
  private volatile IndexManifest manifest;

  /** The next refresh opens a new reader of {@link #writer}, not one changed from the current. */
  private volatile boolean reopened;

  /** The current generation, acquired (release it when done), or null once closed. */
  Generation tryAcquire() {
    try {
      return acquire();
    } catch (AlreadyClosedException e) {
      return null;
    } catch (IOException e) {
      throw new UncheckedIOException(e); // tryIncRef does no I/O
    }
  }

  /** The last published generation, still readable for its manifest and counts once closed. */
  private volatile Generation latest;

  /** Starts with a reader of everything {@code writer} holds, paired with {@code manifest}. */
  Generations(IndexWriter writer, IndexManifest manifest) throws IOException {
    this.writer = writer;
    this.manifest = manifest;
    DirectoryReader reader = DirectoryReader.open(writer);
    try {
      current = Generation.of(reader, manifest);
    } catch (IOException | RuntimeException e) {
      reader.decRef();
      throw e;
    }
    latest = current;
  }

  /** Publishes what the writer holds now, paired with {@code m}; blocks until published. */
  void publish(IndexManifest m) throws IOException {
    manifest = m;
    maybeRefreshBlocking();
  }

  /** Publishes a new reader of {@code w} (the writer opened again), paired with {@code m}. */
  void reopen(IndexWriter w, IndexManifest m) throws IOException {
    writer = w;
    manifest = m;
    reopened = true;
    maybeRefreshBlocking();
  }

  /**
   * The last published generation: its manifest and counts, even once closed (never its reader).
   */
  Generation latest() {
    return latest;
  }

  @Override
  protected Generation refreshIfNeeded(Generation g) throws IOException {
    IndexManifest m = manifest;
    DirectoryReader fresh;
    if (reopened) {
      fresh = DirectoryReader.open(writer);
      reopened = false;
    } else {
      fresh = DirectoryReader.openIfChanged(g.reader(), writer);
      if (fresh == null) {
        if (m == g.manifest()) {
          return null;
        }
        g.reader().incRef();
        fresh = g.reader();
      }
    }
    try {
      return Generation.of(fresh, m);
    } catch (IOException | RuntimeException e) {
      fresh.decRef();
      throw e;
    }
  }

  @Override
  protected void afterMaybeRefresh() {
    Generation g = current;
    if (g != null) {
      latest = g;
    }
  }

  @Override
  protected boolean tryIncRef(Generation g) {
    return g.reader().tryIncRef();
  }

  @Override
  protected void decRef(Generation g) throws IOException {
    g.reader().decRef();
  }

  @Override
  protected int getRefCount(Generation g) {
    return g.reader().getRefCount();
  }
}
