package io.lakeshelf.cli.source;

import io.lakeshelf.cli.client.ServiceClient;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * A JSONL file: one document per line, exactly as an element of the ingest API's {@code
 * documents[]} (UTF-8, {@code \n} or {@code \r\n} line ends; blank lines are skipped). Each line is
 * parsed to check that it is a JSON object and to find its id, and sent as it is. The position is
 * the byte offset of the next line; the total is counted in a first pass over the bytes.
 */
final class JsonlSource implements DocumentSource {

  private static final int CHUNK = 1 << 20;

  private final FileChannel channel;
  private final long totalRows;
  private final ByteBuffer chunk = ByteBuffer.allocate(CHUNK);
  private byte[] line = new byte[8192];
  private long position;
  private long lineNumber;

  private JsonlSource(FileChannel channel, long totalRows, long position, long lineNumber) {
    this.channel = channel;
    this.totalRows = totalRows;
    this.position = position;
    this.lineNumber = lineNumber;
    chunk.flip();
  }

  static JsonlSource open(Path file, long position) throws IOException {
    FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
    try {
      long[] counted = count(channel, position);
      channel.position(position);
      return new JsonlSource(channel, counted[0], position, counted[1]);
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  /**
   * One pass over the bytes: the non-blank lines of the whole file, and the lines before {@code
   * position}.
   */
  private static long[] count(FileChannel channel, long position) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(CHUNK);
    long rows = 0;
    long linesBefore = -1;
    long offset = 0;
    long lines = 0;
    boolean content = false;
    channel.position(0);
    while (channel.read(buffer.clear()) > 0) {
      buffer.flip();
      byte[] a = buffer.array();
      int n = buffer.limit();
      for (int i = 0; i < n; i++, offset++) {
        if (offset == position) {
          linesBefore = lines;
        }
        byte c = a[i];
        if (c == '\n') {
          lines++;
          if (content) {
            rows++;
          }
          content = false;
        } else if (c != ' ' && c != '\t' && c != '\r') {
          content = true;
        }
      }
    }
    if (content) {
      rows++;
    }
    return new long[] {rows, linesBefore < 0 ? lines : linesBefore};
  }

  @Override
  public long totalRows() {
    return totalRows;
  }

  @Override
  public String format() {
    return "jsonl";
  }

  @Override
  public long position() {
    return position;
  }

  @Override
  public Row next() throws IOException {
    while (true) {
      int length = readLine();
      if (length < 0) {
        return null;
      }
      int start = 0;
      if (lineNumber == 1 && length >= 3 && line[0] == (byte) 0xEF && line[1] == (byte) 0xBB) {
        start = 3; // a UTF-8 byte order mark
      }
      int end = length;
      while (end > start && isBlank(line[end - 1])) {
        end--;
      }
      while (start < end && isBlank(line[start])) {
        start++;
      }
      if (start == end) {
        continue;
      }
      String where = "line " + lineNumber;
      JsonNode node;
      try {
        node = ServiceClient.JSON.readTree(line, start, end - start);
      } catch (JacksonException e) {
        throw new InputException(
            where
                + ": not valid JSON ("
                + e.getOriginalMessage().lines().findFirst().orElse("")
                + ")",
            e);
      }
      if (node == null || !node.isObject()) {
        throw new InputException(where + ": not a JSON object (one document per line)");
      }
      JsonNode id = node.get("id");
      return new Row(
          Arrays.copyOfRange(line, start, end),
          id != null && id.isString() ? id.asString() : null,
          where);
    }
  }

  private static boolean isBlank(byte c) {
    return c == ' ' || c == '\t' || c == '\r';
  }

  /** Reads up to the next {@code \n} into {@link #line}: its length, or -1 at the end. */
  private int readLine() throws IOException {
    int length = 0;
    boolean any = false;
    while (true) {
      if (!chunk.hasRemaining()) {
        chunk.clear();
        int n = channel.read(chunk);
        chunk.flip();
        if (n <= 0) {
          if (!any) {
            return -1;
          }
          lineNumber++;
          return length;
        }
      }
      any = true;
      byte[] a = chunk.array();
      int from = chunk.position();
      int to = chunk.limit();
      int i = from;
      while (i < to && a[i] != '\n') {
        i++;
      }
      int take = i - from;
      if (length + take > line.length) {
        line = Arrays.copyOf(line, Math.max(line.length * 2, length + take));
      }
      System.arraycopy(a, from, line, length, take);
      length += take;
      position += take;
      if (i < to) {
        chunk.position(i + 1);
        position++;
        lineNumber++;
        return length;
      }
      chunk.position(to);
    }
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
