package io.lakeshelf.api.catalog;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * The collection definitions under {@code <data-dir>/collections}: one directory per collection,
 * holding {@code collection.json} (replaced atomically), the indexes ({@code index/}, see {@link
 * IndexDirectories}) and, for managed collections by default, the table ({@code table/}).
 */
public final class CollectionCatalog {

  private static final Logger log = LoggerFactory.getLogger(CollectionCatalog.class);
  static final String FILE = "collection.json";

  private final Path root;
  private final JsonMapper json;

  public CollectionCatalog(Path dataDir, JsonMapper json) {
    this.root = dataDir.resolve("collections");
    this.json = json;
  }

  public Path directory(String name) {
    return root.resolve(name);
  }

  public Path defaultTable(String name) {
    return directory(name).resolve("table");
  }

  IndexDirectories indexDirectories(String collection) {
    return new IndexDirectories(directory(collection).resolve("index"));
  }

  /** Every stored definition; unreadable ones are logged and left out. */
  public List<CollectionDefinition> load() {
    List<CollectionDefinition> out = new ArrayList<>();
    if (!Files.isDirectory(root)) {
      return out;
    }
    try (Stream<Path> dirs = Files.list(root)) {
      for (Path dir : dirs.sorted().toList()) {
        Path file = dir.resolve(FILE);
        if (!Files.isRegularFile(file)) {
          continue;
        }
        try {
          out.add(json.readValue(file.toFile(), CollectionDefinition.class));
        } catch (RuntimeException e) {
          log.error("Cannot read collection definition {}: skipping it", file, e);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + root, e);
    }
    return out;
  }

  /** Writes a definition: to a temporary file, then moved over the old one atomically. */
  public void save(CollectionDefinition definition) {
    try {
      AtomicFile.replace(
          directory(definition.name()).resolve(FILE),
          json.writerWithDefaultPrettyPrinter().writeValueAsBytes(definition));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot save collection " + definition.name(), e);
    }
  }

  /** Removes the definition (first, so a crash leaves no half-registered collection). */
  public void remove(String name) {
    try {
      Files.deleteIfExists(directory(name).resolve(FILE));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot remove collection " + name, e);
    }
  }

  static void deleteTree(Path path) throws IOException {
    if (!Files.exists(path)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(path)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
