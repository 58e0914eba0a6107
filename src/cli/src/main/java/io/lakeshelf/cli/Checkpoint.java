package io.lakeshelf.cli;

import io.lakeshelf.cli.client.ServiceClient;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import tools.jackson.core.JacksonException;

/**
 * How far an ingest of one file into one collection got: the rows the service acknowledged and
 * where in the file the next batch starts. Written after each acknowledged batch, atomically (a
 * temporary file, forced to disk, renamed over the last), so a process killed at any moment leaves
 * the last acknowledged state or the one before it, never a torn file. Tied to the file's identity
 * (path, size, modification time and a hash of its first MiB): a changed file starts over.
 *
 * @param url the service
 * @param collection the collection ingested into
 * @param file the absolute path of the file
 * @param format {@code jsonl} or {@code parquet}
 * @param size the file's size in bytes
 * @param modified its modification time, in milliseconds since the epoch
 * @param headSha256 SHA-256 of its first MiB
 * @param rowsDone rows acknowledged
 * @param position where the next batch starts (JSONL: byte offset; Parquet: row index)
 * @param tableVersion the table version of the last acknowledged batch
 * @param updatedAt when it was written (ISO-8601)
 */
record Checkpoint(
    String url,
    String collection,
    String file,
    String format,
    long size,
    long modified,
    String headSha256,
    long rowsDone,
    long position,
    long tableVersion,
    String updatedAt) {

  private static final int HEAD_BYTES = 1 << 20;

  /** A checkpoint of no rows done for the file as it is now. */
  static Checkpoint start(String url, String collection, Path file, String format)
      throws IOException {
    return new Checkpoint(
        url,
        collection,
        file.toString(),
        format,
        Files.size(file),
        Files.getLastModifiedTime(file).toMillis(),
        headHash(file),
        0,
        0,
        -1,
        null);
  }

  /** The same ingest (service, collection, file and format) of the same file contents. */
  boolean sameIngest(Checkpoint other) {
    return url.equals(other.url)
        && collection.equals(other.collection)
        && file.equals(other.file)
        && format.equals(other.format)
        && size == other.size
        && modified == other.modified
        && headSha256.equals(other.headSha256);
  }

  Checkpoint acknowledged(long rows, long nextPosition, long version) {
    return new Checkpoint(
        url,
        collection,
        file,
        format,
        size,
        modified,
        headSha256,
        rows,
        nextPosition,
        version,
        java.time.Instant.now().toString());
  }

  /** The default place: under the state directory, named by service, collection and file. */
  static Path defaultPath(Map<String, String> env, String url, String collection, Path file) {
    String state = env.get("XDG_STATE_HOME");
    Path dir =
        state != null && !state.isEmpty()
            ? Path.of(state)
            : Path.of(env.getOrDefault("HOME", System.getProperty("user.home")), ".local", "state");
    String key = url + "\n" + collection + "\n" + file;
    String name = file.getFileName() + "-" + sha256(key.getBytes(StandardCharsets.UTF_8), 12);
    return dir.resolve("lakeshelf-cli").resolve("checkpoints").resolve(name + ".json");
  }

  /** The checkpoint at {@code path}, or null when there is none. */
  static Checkpoint read(Path path) throws IOException {
    if (!Files.exists(path)) {
      return null;
    }
    try {
      return ServiceClient.JSON.readValue(Files.readAllBytes(path), Checkpoint.class);
    } catch (JacksonException e) {
      throw new IOException(
          "checkpoint "
              + path
              + " is unreadable ("
              + e.getOriginalMessage()
              + "); remove it or pass --restart",
          e);
    }
  }

  /** Writes it atomically: a temporary file beside it, forced, then renamed over it. */
  void write(Path path) throws IOException {
    Files.createDirectories(path.getParent());
    Path tmp = path.resolveSibling(path.getFileName() + ".tmp");
    try (FileChannel ch =
        FileChannel.open(
            tmp,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
      ch.write(java.nio.ByteBuffer.wrap(ServiceClient.JSON.writeValueAsBytes(this)));
      ch.force(true);
    }
    try {
      Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private static String headHash(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return sha256(in.readNBytes(HEAD_BYTES), 32);
    }
  }

  private static String sha256(byte[] bytes, int length) {
    try {
      return HexFormat.of()
          .formatHex(MessageDigest.getInstance("SHA-256").digest(bytes))
          .substring(0, length * 2);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
