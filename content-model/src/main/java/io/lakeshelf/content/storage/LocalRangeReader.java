package io.lakeshelf.content.storage;

import java.io.EOFException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.StandardOpenOption;
import java.util.Objects;

/**
 * {@link RangeReader} over local files; each read counts as one {@code range_get} of store {@code
 * local}.
 */
public final class LocalRangeReader implements RangeReader {

  private final StorageRequestListener listener;

  public LocalRangeReader(StorageRequestListener listener) {
    this.listener = Objects.requireNonNull(listener, "listener");
  }

  @Override
  public FileTail readTail(String uri, long fileLength, int bytes) throws IOException {
    listener.onRequest("local", StorageOperation.RANGE_GET);
    try (FileChannel ch = FileChannel.open(LocalFileIO.toPath(uri), StandardOpenOption.READ)) {
      long length = ch.size();
      int n = (int) Math.min(bytes, length);
      byte[] out = new byte[n];
      readFully(ch, out, length - n);
      return new FileTail(length, length - n, out);
    } catch (NoSuchFileException e) {
      throw new FileNotFoundException(uri);
    }
  }

  @Override
  public byte[] readRange(String uri, long offset, int length) throws IOException {
    listener.onRequest("local", StorageOperation.RANGE_GET);
    try (FileChannel ch = FileChannel.open(LocalFileIO.toPath(uri), StandardOpenOption.READ)) {
      byte[] out = new byte[length];
      readFully(ch, out, offset);
      return out;
    } catch (NoSuchFileException e) {
      throw new FileNotFoundException(uri);
    }
  }

  private static void readFully(FileChannel ch, byte[] out, long offset) throws IOException {
    ByteBuffer buf = ByteBuffer.wrap(out);
    while (buf.hasRemaining()) {
      if (ch.read(buf, offset + buf.position()) < 0) {
        throw new EOFException("file ended before byte " + (offset + out.length));
      }
    }
  }
}
