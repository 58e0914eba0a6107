package io.lakeshelf.api.catalog;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Objects;

/**
 * The one process that owns a data directory: an exclusive OS lock on {@code
 * <data-dir>/lakeshelf.lock}, held from start to shutdown, the file naming its holder (process id,
 * host, start time).
 *
 * <p>Two processes on one data directory would each rebuild, replace and delete the other's index
 * generations and collection files; the second is refused at start instead, with a message naming
 * the first. The lock is the operating system's ({@link FileChannel#tryLock()}), so it is released
 * when its process dies, however it dies: a stale file left by a killed process does not block a
 * restart. A second holder in the same JVM (two application contexts) is refused too.
 */
public final class DataDirectoryLock implements AutoCloseable {

  /** The lock file's name under the data directory. */
  public static final String FILE = "lakeshelf.lock";

  private final Path file;
  private final FileChannel channel;
  private final FileLock lock;

  private DataDirectoryLock(Path file, FileChannel channel, FileLock lock) {
    this.file = file;
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * Takes the lock of this data directory.
   *
   * @throws DataDirectoryInUseException when another process (or context) holds it
   */
  public static DataDirectoryLock acquire(Path dataDir) {
    Objects.requireNonNull(dataDir, "dataDir");
    Path file = dataDir.toAbsolutePath().resolve(FILE);
    FileChannel channel = null;
    try {
      channel =
          FileChannel.open(
              file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null;
      }
      if (lock == null) {
        String holder = holder(channel);
        channel.close();
        throw new DataDirectoryInUseException(
            "the data directory "
                + dataDir.toAbsolutePath()
                + " is in use by another Lakeshelf process ("
                + holder
                + "); stop it, or give this one"
                + " another lakeshelf.data-dir");
      }
      byte[] me = describeThisProcess().getBytes(StandardCharsets.UTF_8);
      channel.truncate(0);
      channel.write(ByteBuffer.wrap(me), 0);
      channel.force(true);
      return new DataDirectoryLock(file, channel, lock);
    } catch (IOException e) {
      if (channel != null) {
        try {
          channel.close();
        } catch (IOException suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      throw new UncheckedIOException(
          "cannot lock the data directory " + dataDir.toAbsolutePath(), e);
    }
  }

  private static String holder(FileChannel channel) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(1024);
    int n = channel.read(b, 0);
    String text = n <= 0 ? "" : new String(b.array(), 0, n, StandardCharsets.UTF_8).strip();
    return text.isEmpty() ? "holder unknown" : text;
  }

  private static String describeThisProcess() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      host = "unknown host";
    }
    return "pid "
        + ProcessHandle.current().pid()
        + " on "
        + host
        + ", started "
        + Instant.ofEpochMilli(ManagementFactory.getRuntimeMXBean().getStartTime());
  }

  public Path file() {
    return file;
  }

  /** Releases the lock; the file stays, naming the last holder. */
  @Override
  public void close() throws IOException {
    try {
      lock.release();
    } finally {
      channel.close();
    }
  }

  /** Another process holds the data directory. */
  public static final class DataDirectoryInUseException extends IllegalStateException {
    public DataDirectoryInUseException(String message) {
      super(message);
    }
  }
}
