package io.lakeshelf.api.catalog;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import tools.jackson.databind.json.JsonMapper;

/**
 * Where a collection's indexes live: {@code index/<vector>/<generation>/}, with {@code
 * index/<vector>/CURRENT} naming the generation that serves. A rebuild writes a new generation
 * beside the serving one and switches {@code CURRENT} (an atomic file replace) only when it is
 * complete; generations not named by {@code CURRENT} are leftovers of rebuilds that did not finish
 * and are removed.
 */
public final class IndexDirectories {

  private static final String CURRENT = "CURRENT";

  /**
   * Beside a generation restored from a snapshot: which one ({@link IndexSource}); none for a
   * generation built here. Not a Lucene file name, so Lucene never deletes it.
   */
  static final String SOURCE = "lakeshelf-source.json";

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final Path root;

  IndexDirectories(Path root) {
    this.root = root;
  }

  /** The serving generation of a vector's index (the first one if none was recorded). */
  public Path current(String vector) {
    Path pointer = root.resolve(vector).resolve(CURRENT);
    try {
      if (Files.isRegularFile(pointer)) {
        String name = Files.readString(pointer).trim();
        if (!name.isEmpty() && !name.contains("/") && !name.contains("..")) {
          return root.resolve(vector).resolve(name);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + pointer, e);
    }
    return root.resolve(vector).resolve("g0");
  }

  /** A fresh directory for a new generation of a vector's index. */
  public Path newGeneration(String vector) {
    return root.resolve(vector)
        .resolve(
            "g"
                + System.currentTimeMillis()
                + "-"
                + Long.toHexString(System.nanoTime() & 0xffffff));
  }

  /** Makes {@code generation} the serving one, atomically. */
  public void makeCurrent(String vector, Path generation) {
    try {
      AtomicFile.replace(
          root.resolve(vector).resolve(CURRENT),
          generation.getFileName().toString().getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot switch the index of " + vector, e);
    }
  }

  /** Records that a generation was restored from a snapshot. */
  static void writeSource(Path generation, IndexSource source) throws IOException {
    AtomicFile.replace(generation.resolve(SOURCE), JSON.writeValueAsBytes(source));
  }

  /** Where a generation came from: the snapshot recorded beside it, else a build. */
  static IndexSource sourceOf(Path generation) {
    Path file = generation.resolve(SOURCE);
    if (!Files.isRegularFile(file)) {
      return IndexSource.BUILD;
    }
    try {
      return JSON.readValue(file.toFile(), IndexSource.class);
    } catch (RuntimeException e) {
      return IndexSource.BUILD;
    }
  }

  /** Deletes every generation of a vector's index but the serving one. */
  public void removeOthers(String vector) {
    Path dir = root.resolve(vector);
    Path keep = current(vector);
    if (!Files.isDirectory(dir)) {
      return;
    }
    try (Stream<Path> children = Files.list(dir)) {
      for (Path child : children.toList()) {
        if (Files.isDirectory(child) && !child.equals(keep)) {
          CollectionCatalog.deleteTree(child);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot clean " + dir, e);
    }
  }
}
