package io.lakeshelf.content.storage;

import io.delta.kernel.defaults.engine.fileio.FileIO;
import io.delta.kernel.defaults.engine.fileio.InputFile;
import io.delta.kernel.defaults.engine.fileio.OutputFile;
import io.delta.kernel.defaults.engine.fileio.PositionOutputStream;
import io.delta.kernel.defaults.engine.fileio.SeekableInputStream;
import io.delta.kernel.utils.CloseableIterator;
import io.delta.kernel.utils.FileStatus;
import io.lakeshelf.content.kernel.KernelInternals;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Delta Kernel's file layer over {@code java.nio} for tables on a local file system: no Hadoop file
 * system, which forks {@code chmod} and {@code readlink} processes on commits.
 *
 * <p>Paths are {@code file:/absolute/path} strings (the form Hadoop qualifies local paths to) or
 * plain absolute paths. A commit's log entry is written put-if-absent: to a temporary file, then
 * hard-linked to its name, which fails atomically when another writer took that version first;
 * Delta Kernel then retries on the next version.
 */
public final class LocalFileIO implements FileIO {

  private final Map<String, String> conf;
  private final StorageRequestListener listener;

  /**
   * @param conf settings Kernel asks for, such as {@code parquet.block.size}; may be empty
   */
  public LocalFileIO(Map<String, String> conf) {
    this(conf, StorageRequestListener.NONE);
  }

  /**
   * @param conf settings Kernel asks for; may be empty
   * @param listener told of each file-system operation, as store {@code local}
   */
  public LocalFileIO(Map<String, String> conf, StorageRequestListener listener) {
    this.conf = Map.copyOf(conf);
    this.listener = Objects.requireNonNull(listener, "listener");
  }

  private void count(StorageOperation operation) {
    listener.onRequest("local", operation);
  }

  /**
   * The file a location names as the storage layer and Delta Kernel pass it around: an absolute
   * path, or {@code file:} followed by the path as it is (not a URI: nothing is decoded).
   */
  public static Path toPath(String path) {
    String p = path;
    if (p.startsWith("file:")) {
      p = p.substring("file:".length());
      while (p.startsWith("//")) {
        p = p.substring(1);
      }
    }
    return Path.of(p);
  }

  static String toUri(Path path) {
    return "file:" + path.toAbsolutePath().normalize();
  }

  @Override
  public CloseableIterator<FileStatus> listFrom(String filePath) throws IOException {
    count(StorageOperation.LIST);
    Path from = toPath(filePath);
    Path dir = from.getParent();
    if (dir == null || !Files.isDirectory(dir)) {
      throw new FileNotFoundException("no directory " + dir);
    }
    String start = from.getFileName().toString();
    List<FileStatus> out = new ArrayList<>();
    try (Stream<Path> children = Files.list(dir)) {
      for (Path child : children.sorted().toList()) {
        if (child.getFileName().toString().compareTo(start) >= 0) {
          try {
            BasicFileAttributes a = Files.readAttributes(child, BasicFileAttributes.class);
            out.add(FileStatus.of(toUri(child), a.size(), a.lastModifiedTime().toMillis()));
          } catch (NoSuchFileException e) {
            // deleted since listing
          }
        }
      }
    }
    return KernelInternals.iterator(out.iterator());
  }

  @Override
  public FileStatus getFileStatus(String path) throws IOException {
    count(StorageOperation.HEAD);
    Path p = toPath(path);
    try {
      BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
      return FileStatus.of(toUri(p), a.size(), a.lastModifiedTime().toMillis());
    } catch (NoSuchFileException e) {
      throw new FileNotFoundException(path);
    }
  }

  @Override
  public String resolvePath(String path) {
    return toUri(toPath(path));
  }

  @Override
  public boolean mkdirs(String path) throws IOException {
    Files.createDirectories(toPath(path));
    return true;
  }

  @Override
  public InputFile newInputFile(String path, long fileSize) {
    Path p = toPath(path);
    return new InputFile() {
      @Override
      public long length() throws IOException {
        return fileSize >= 0 ? fileSize : Files.size(p);
      }

      @Override
      public String path() {
        return path;
      }

      @Override
      public SeekableInputStream newStream() throws IOException {
        count(StorageOperation.GET);
        try {
          return new ChannelInputStream(FileChannel.open(p, StandardOpenOption.READ));
        } catch (NoSuchFileException e) {
          throw new FileNotFoundException(path);
        }
      }
    };
  }

  @Override
  public OutputFile newOutputFile(String path) {
    Path target = toPath(path);
    return new OutputFile() {
      @Override
      public String path() {
        return path;
      }

      @Override
      public PositionOutputStream create(boolean atomicWrite) throws IOException {
        count(StorageOperation.PUT);
        Files.createDirectories(target.getParent());
        if (!atomicWrite) {
          return new ChannelOutputStream(
              FileChannel.open(
                  target,
                  StandardOpenOption.CREATE,
                  StandardOpenOption.WRITE,
                  StandardOpenOption.TRUNCATE_EXISTING),
              () -> {});
        }
        Path tmp = temporary(target);
        return new ChannelOutputStream(
            FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
            () -> publish(tmp, target, false));
      }

      @Override
      public void writeAtomically(CloseableIterator<String> data, boolean overwrite)
          throws IOException {
        count(StorageOperation.PUT);
        Files.createDirectories(target.getParent());
        Path tmp = temporary(target);
        try (data;
            FileChannel channel =
                FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
          while (data.hasNext()) {
            ByteBuffer line = StandardCharsets.UTF_8.encode(data.next() + "\n");
            while (line.hasRemaining()) {
              channel.write(line);
            }
          }
          channel.force(true);
        } catch (IOException | RuntimeException e) {
          Files.deleteIfExists(tmp);
          throw e;
        }
        publish(tmp, target, overwrite);
      }
    };
  }

  private static Path temporary(Path target) {
    return target.resolveSibling("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
  }

  /** Moves a complete temporary file to its name; without overwrite, fails if the name is taken. */
  private static void publish(Path tmp, Path target, boolean overwrite) throws IOException {
    try {
      if (overwrite) {
        try {
          Files.move(
              tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
          Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
        return;
      }
      try {
        Files.createLink(target, tmp);
      } catch (UnsupportedOperationException e) {
        synchronized (LocalFileIO.class) {
          if (Files.exists(target)) {
            throw new FileAlreadyExistsException(target.toString());
          }
          Files.move(tmp, target);
        }
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  @Override
  public boolean delete(String path) throws IOException {
    count(StorageOperation.DELETE);
    return Files.deleteIfExists(toPath(path));
  }

  @Override
  public Optional<String> getConf(String confKey) {
    return Optional.ofNullable(conf.get(confKey));
  }

  @Override
  public void copyFileAtomically(String srcPath, String destPath, boolean overwrite)
      throws IOException {
    Path target = toPath(destPath);
    Files.createDirectories(target.getParent());
    Path tmp = temporary(target);
    Files.copy(toPath(srcPath), tmp);
    publish(tmp, target, overwrite);
  }

  /** A seekable stream over a file channel. */
  private static final class ChannelInputStream extends SeekableInputStream {
    private final FileChannel channel;

    ChannelInputStream(FileChannel channel) {
      this.channel = channel;
    }

    @Override
    public int read() throws IOException {
      ByteBuffer one = ByteBuffer.allocate(1);
      return channel.read(one) <= 0 ? -1 : one.get(0) & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      return channel.read(ByteBuffer.wrap(b, off, len));
    }

    @Override
    public long getPos() throws IOException {
      return channel.position();
    }

    @Override
    public void seek(long newPos) throws IOException {
      channel.position(newPos);
    }

    @Override
    public void readFully(byte[] b, int off, int len) throws IOException {
      ByteBuffer buf = ByteBuffer.wrap(b, off, len);
      while (buf.hasRemaining()) {
        if (channel.read(buf) < 0) {
          throw new EOFException(
              "end of file after " + (len - buf.remaining()) + " of " + len + " bytes");
        }
      }
    }

    @Override
    public void close() throws IOException {
      channel.close();
    }
  }

  /** A positioned stream over a file channel; runs an action once closed (publishing the file). */
  private static final class ChannelOutputStream extends PositionOutputStream {
    private final FileChannel channel;
    private final OutputStream out;
    private final IoAction onClose;
    private long pos;
    private boolean closed;

    ChannelOutputStream(FileChannel channel, IoAction onClose) {
      this.channel = channel;
      this.out = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16);
      this.onClose = onClose;
    }

    @Override
    public long getPos() {
      return pos;
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      pos++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      pos += len;
    }

    @Override
    public void flush() throws IOException {
      out.flush();
    }

    @Override
    public void close() throws IOException {
      if (closed) {
        return;
      }
      closed = true;
      out.flush();
      channel.force(true);
      out.close();
      onClose.run();
    }
  }

  @FunctionalInterface
  private interface IoAction {
    void run() throws IOException;
  }
}
