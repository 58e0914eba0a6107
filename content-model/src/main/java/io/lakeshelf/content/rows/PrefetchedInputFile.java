package io.lakeshelf.content.rows;

import io.lakeshelf.content.storage.FileTail;
import io.lakeshelf.content.storage.RangeReader;
import java.io.EOFException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.SeekableInputStream;

/**
 * A Parquet file seen through byte ranges already fetched: its tail and the pages a join
 * prefetched. Parquet's reader reads from here; a read outside every fetched range costs one ranged
 * request and is kept, so a missed prefetch shows in the request count instead of failing. Confined
 * to the thread reading the file.
 */
public final class PrefetchedInputFile implements InputFile {

  private final String uri;
  private final long length;
  private final RangeReader ranges;
  private final List<Segment> segments = new ArrayList<>();

  private record Segment(long offset, byte[] bytes) {
    boolean covers(long from, long len) {
      return from >= offset && from + len <= offset + bytes.length;
    }
  }

  public PrefetchedInputFile(String uri, FileTail tail, RangeReader ranges) {
    this.uri = uri;
    this.length = tail.fileLength();
    this.ranges = ranges;
    segments.add(new Segment(tail.offset(), tail.bytes()));
  }

  /** Replaces the tail with a longer one. */
  void tail(FileTail tail) {
    segments.set(0, new Segment(tail.offset(), tail.bytes()));
  }

  /** Whether these bytes are already here. */
  public boolean holds(long offset, long len) {
    for (Segment s : segments) {
      if (s.covers(offset, len)) {
        return true;
      }
    }
    return false;
  }

  /** Fetches these bytes in one request unless they are already here. */
  public void prefetch(long offset, long len) throws IOException {
    if (len <= 0 || holds(offset, len)) {
      return;
    }
    if (len > Integer.MAX_VALUE - 8) {
      throw new IOException(
          "a range of " + len + " bytes of " + uri + " is too large to read at once");
    }
    segments.add(new Segment(offset, ranges.readRange(uri, offset, (int) len)));
  }

  /**
   * Fetches these {@code [from, to)} ranges, one request each, in parallel; those already here are
   * skipped.
   */
  public void prefetchAll(List<long[]> wanted) throws IOException {
    List<long[]> missing =
        wanted.stream().filter(r -> r[1] > r[0] && !holds(r[0], r[1] - r[0])).toList();
    if (missing.size() <= 1) {
      for (long[] r : missing) {
        prefetch(r[0], r[1] - r[0]);
      }
      return;
    }
    List<Future<Segment>> reads = new ArrayList<>();
    try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
      for (long[] r : missing) {
        reads.add(
            threads.submit(
                () -> new Segment(r[0], ranges.readRange(uri, r[0], (int) (r[1] - r[0])))));
      }
      for (var read : reads) {
        segments.add(read.get());
      }
    } catch (ExecutionException e) {
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      throw new IOException("cannot read " + uri, e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted reading " + uri);
    }
  }

  /** These bytes, fetched in one request unless already here. */
  byte[] bytes(long offset, int len) throws IOException {
    byte[] out = new byte[len];
    copy(offset, out, 0, len);
    return out;
  }

  /**
   * These bytes as a view of the fetched range that holds them (no copy), fetched in one request
   * unless already here.
   */
  ByteBuffer slice(long offset, int len) throws IOException {
    for (Segment s : segments) {
      if (s.covers(offset, len)) {
        return ByteBuffer.wrap(s.bytes, (int) (offset - s.offset), len).slice();
      }
    }
    prefetch(offset, len);
    return slice(offset, len);
  }

  private void copy(long pos, byte[] dst, int off, int len) throws IOException {
    for (Segment s : segments) {
      if (s.covers(pos, len)) {
        System.arraycopy(s.bytes, (int) (pos - s.offset), dst, off, len);
        return;
      }
    }
    prefetch(pos, len);
    copy(pos, dst, off, len);
  }

  @Override
  public long getLength() {
    return length;
  }

  @Override
  public SeekableInputStream newStream() {
    return new SeekableInputStream() {
      private long pos;

      @Override
      public long getPos() {
        return pos;
      }

      @Override
      public void seek(long newPos) {
        pos = newPos;
      }

      @Override
      public int read() throws IOException {
        if (pos >= length) {
          return -1;
        }
        byte[] one = new byte[1];
        readFully(one, 0, 1);
        return one[0] & 0xff;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
          return 0;
        }
        if (pos >= length) {
          return -1;
        }
        int n = (int) Math.min(len, length - pos);
        readFully(b, off, n);
        return n;
      }

      @Override
      public void readFully(byte[] bytes) throws IOException {
        readFully(bytes, 0, bytes.length);
      }

      @Override
      public void readFully(byte[] bytes, int start, int len) throws IOException {
        if (pos + len > length) {
          throw new EOFException("read past the end of " + uri);
        }
        copy(pos, bytes, start, len);
        pos += len;
      }

      @Override
      public int read(ByteBuffer buf) throws IOException {
        if (!buf.hasRemaining()) {
          return 0;
        }
        if (pos >= length) {
          return -1;
        }
        int n = (int) Math.min(buf.remaining(), length - pos);
        byte[] tmp = new byte[n];
        readFully(tmp, 0, n);
        buf.put(tmp);
        return n;
      }

      @Override
      public void readFully(ByteBuffer buf) throws IOException {
        byte[] tmp = new byte[buf.remaining()];
        readFully(tmp, 0, tmp.length);
        buf.put(tmp);
      }
    };
  }

  @Override
  public String toString() {
    return uri;
  }
}
