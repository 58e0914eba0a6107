package io.lakeshelf.content.storage;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A {@link BlobStore} in a local directory (or one a network file system shares). Every write goes
 * to a temporary file beside the target ({@code .<name>.<random>.tmp}, never listed), forced to
 * disk, then appears whole: moved over the target for {@link #put}, hard-linked to it for {@link
 * #createIfAbsent} (a link fails when the target exists, so one racing writer wins).
 */
public final class LocalBlobStore implements BlobStore {

  private final Path root;

  public LocalBlobStore(Path root) {
    this.root = root.toAbsolutePath().normalize();
  }

  @Override
  public String location() {
    return root.toString();
  }

  private Path file(String key) {
    return root.resolve(BlobStore.checkKey(key));
  }

  @Override
  public Optional<byte[]> read(String key) throws IOException {
    try {
      return Optional.of(Files.readAllBytes(file(key)));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }

  @Override
  public boolean exists(String key) {
    return Files.isRegularFile(file(key));
  }

  @Override
  public boolean createIfAbsent(String key, byte[] content) throws IOException {
    Path target = file(key);
    Path tmp = temporary(target, content);
    try {
      Files.createLink(target, tmp);
      return true;
    } catch (FileAlreadyExistsException e) {
      return false;
    } catch (UnsupportedOperationException e) {
      // no hard links: an exclusive create, then the content (a reader may see it short)
      try {
        Files.write(target, content, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        return true;
      } catch (FileAlreadyExistsException taken) {
        return false;
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  @Override
  public void put(String key, byte[] content) throws IOException {
    Path target = file(key);
    moveOver(temporary(target, content), target);
  }

  @Override
  public void upload(String key, Path source) throws IOException {
    Path target = file(key);
    Files.createDirectories(target.getParent());
    Path tmp = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".tmp");
    try {
      Files.copy(source, tmp, StandardCopyOption.REPLACE_EXISTING);
      force(tmp);
      moveOver(tmp, target);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  @Override
  public void download(String key, Path target) throws IOException {
    Path source = file(key);
    if (!Files.isRegularFile(source)) {
      throw new FileNotFoundException(source.toString());
    }
    Files.createDirectories(target.toAbsolutePath().getParent());
    Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
    force(target);
  }

  @Override
  public List<Entry> list(String prefix) throws IOException {
    List<Entry> out = new ArrayList<>();
    if (!Files.isDirectory(root)) {
      return out;
    }
    // walk only the directory the prefix names (or the one holding its last segment)
    int slash = prefix.lastIndexOf('/');
    Path start = slash < 0 ? root : root.resolve(BlobStore.checkKey(prefix.substring(0, slash)));
    if (!Files.isDirectory(start)) {
      return out;
    }
    try (Stream<Path> walk = Files.walk(start)) {
      for (Path p : walk.filter(Files::isRegularFile).toList()) {
        String key = root.relativize(p).toString().replace(java.io.File.separatorChar, '/');
        String name = p.getFileName().toString();
        if (!key.startsWith(prefix) || (name.startsWith(".") && name.endsWith(".tmp"))) {
          continue;
        }
        try {
          BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
          out.add(new Entry(key, a.size(), a.lastModifiedTime().toInstant()));
        } catch (NoSuchFileException e) {
          // deleted meanwhile
        }
      }
    } catch (NoSuchFileException e) {
      return out;
    }
    out.sort(Comparator.comparing(Entry::key));
    return out;
  }

  @Override
  public void delete(String key) throws IOException {
    Path target = file(key);
    Files.deleteIfExists(target);
    // empty parent directories go too, up to the root
    for (Path dir = target.getParent(); dir != null && !dir.equals(root); dir = dir.getParent()) {
      try (Stream<Path> children = Files.list(dir)) {
        if (children.findAny().isPresent()) {
          break;
        }
      } catch (NoSuchFileException e) {
        continue;
      }
      try {
        Files.deleteIfExists(dir);
      } catch (java.nio.file.DirectoryNotEmptyException e) {
        break;
      }
    }
  }

  private static Path temporary(Path target, byte[] content) throws IOException {
    Files.createDirectories(target.getParent());
    Path tmp = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".tmp");
    try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
      ByteBuffer buf = ByteBuffer.wrap(content);
      while (buf.hasRemaining()) {
        channel.write(buf);
      }
      channel.force(true);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(tmp);
      throw e;
    }
    return tmp;
  }

  private static void force(Path file) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
      channel.force(true);
    }
  }

  private static void moveOver(Path tmp, Path target) throws IOException {
    try {
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
