package io.lakeshelf.content.storage;

import java.util.Objects;

/**
 * The last bytes of an immutable file, from {@code offset} to its end: for a Parquet file, its
 * footer and usually its page indexes.
 *
 * @param fileLength the whole file's length
 * @param offset where {@code bytes} start in the file
 * @param bytes the file's bytes from {@code offset} to {@code fileLength}
 */
public record FileTail(long fileLength, long offset, byte[] bytes) {

  public FileTail {
    Objects.requireNonNull(bytes, "bytes");
    if (offset < 0 || offset + bytes.length != fileLength) {
      throw new IllegalArgumentException(
          "a tail of "
              + bytes.length
              + " bytes at "
              + offset
              + " does not end a file of "
              + fileLength);
    }
  }

  /** Whether the tail holds these bytes of the file. */
  public boolean covers(long from, long length) {
    return from >= offset && from + length <= fileLength;
  }

  /** This tail extended back to {@code from} with the bytes before it. */
  public FileTail extendedBy(byte[] before) {
    byte[] joined = new byte[before.length + bytes.length];
    System.arraycopy(before, 0, joined, 0, before.length);
    System.arraycopy(bytes, 0, joined, before.length, bytes.length);
    return new FileTail(fileLength, offset - before.length, joined);
  }
}
