package io.lakeshelf.content.storage;

import java.io.IOException;

/**
 * Byte ranges of immutable files, each in exactly one request: the reads the search join is made
 * of, so that its cost in requests is known and can be counted.
 */
public interface RangeReader {

  /**
   * The last {@code bytes} bytes of a file (all of it if shorter) and its length, in one request.
   *
   * @param fileLength the file's length if known (from the Delta log), or -1
   */
  FileTail readTail(String uri, long fileLength, int bytes) throws IOException;

  /** Bytes {@code [offset, offset + length)} of a file, in one request. */
  byte[] readRange(String uri, long offset, int length) throws IOException;
}
