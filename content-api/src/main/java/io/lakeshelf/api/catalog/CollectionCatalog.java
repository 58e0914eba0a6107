package io.lakeshelf.api.catalog;

import io.lakeshelf.api.error.ApiException;
import io.lakeshelf.api.error.ErrorCode;
import io.lakeshelf.content.storage.BlobStore;
import io.lakeshelf.content.storage.LocalBlobStore;
import io.lakeshelf.content.storage.S3Location;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Where collection definitions, default managed tables and index snapshots live, and where each
 * collection's local indexes are ({@code <data-dir>/collections/<name>/index}, see {@link
 * IndexDirectories}: always local, a cache of what the table and the snapshots hold).
 *
 * <h2>In the data directory (the default)</h2>
 *
 * <pre>
 * collections/&lt;name&gt;/collection.json     the definition, replaced atomically
 * collections/&lt;name&gt;/table/              a managed table created without 'table'
 * snapshots/&lt;name&gt;/...                   snapshots published on request ({@code IndexSnapshots})
 * </pre>
 *
 * <h2>Shared ({@code lakeshelf.catalog.location}: an {@code s3://} prefix or a directory)</h2>
 *
 * <pre>
 * definitions/&lt;name&gt;/&lt;seq, 10 digits&gt;.json   each change of a definition; the highest seq is current
 * tables/&lt;name&gt;/                          a managed table created without 'table'
 * snapshots/&lt;name&gt;/&lt;vector&gt;/...           index snapshots
 * </pre>
 *
 * A change is the next seq written with put-if-absent, the way a Delta commit is: of two nodes
 * changing a collection at once, one writes its change and the other is refused (409 {@code
 * WRITE_CONFLICT}, nothing changed) unless it asked for what the winner wrote. A drop writes a
 * tombstone ({@code {"deleted": true}}); a later create the seq after it. Older seqs than the one
 * before the current are deleted. Every node lists {@code definitions/} each sync interval ({@link
 * #load}) and serves what it finds.
 */
public final class CollectionCatalog {

  private static final Logger log = LoggerFactory.getLogger(CollectionCatalog.class);
  static final String FILE = "collection.json";
  private static final String DEFINITIONS = "definitions/";

  private final Path root;
  private final JsonMapper json;
  private final BlobStore shared;
  private final BlobStore snapshots;

  /** Parsed definitions by key (keys are immutable): a poll reads only what changed. */
  private final Map<String, Optional<CollectionDefinition>> parsed = new ConcurrentHashMap<>();

  /** A catalog in the data directory. */
  public CollectionCatalog(Path dataDir, JsonMapper json) {
    this(dataDir, null, json);
  }

  /**
   * A catalog in {@code shared} (definitions, default tables, snapshots), or in the data directory
   * when null; indexes are under the data directory either way.
   */
  public CollectionCatalog(Path dataDir, BlobStore shared, JsonMapper json) {
    this.root = dataDir.resolve("collections");
    this.json = Objects.requireNonNull(json, "json");
    this.shared = shared;
    this.snapshots = shared != null ? shared : new LocalBlobStore(dataDir);
  }

  /** Whether other nodes may share these definitions. */
  public boolean shared() {
    return shared != null;
  }

  /** Where definitions live, for logs and health. */
  public String location() {
    return shared != null ? shared.location() : root.toAbsolutePath().toString();
  }

  /** Where index snapshots are published and found. */
  public BlobStore snapshots() {
    return snapshots;
  }

  /** The local directory of a collection: its indexes, and in the data directory its definition. */
  public Path directory(String name) {
    return root.resolve(name);
  }

  /** The table location of a managed collection that names none. */
  public String defaultTable(String name) {
    if (shared == null) {
      return directory(name).resolve("table").toAbsolutePath().toString();
    }
    return tablesRoot() + name;
  }

  /** Under which a shared catalog's default managed tables lie ({@code .../tables/}), or null. */
  public String tablesRoot() {
    if (shared == null) {
      return null;
    }
    String base = shared.location();
    if (S3Location.isS3(base)) {
      return (base.endsWith("/") ? base : base + "/") + "tables/";
    }
    return Path.of(base).resolve("tables").toAbsolutePath() + java.io.File.separator;
  }

  IndexDirectories indexDirectories(String collection) {
    return new IndexDirectories(directory(collection).resolve("index"));
  }

  /**
   * Every current definition; unreadable ones are logged and left out.
   *
   * @throws UncheckedIOException when a shared catalog cannot be listed
   */
  public List<CollectionDefinition> load() {
    return shared != null ? loadShared() : loadLocal();
  }

  private List<CollectionDefinition> loadLocal() {
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

  /** The newest key of each name, by seq, among listed definitions. */
  private static Map<String, String> newestKeys(List<BlobStore.Entry> listed) {
    Map<String, TreeMap<Long, String>> byName = new TreeMap<>();
    for (BlobStore.Entry e : listed) {
      String[] parts = e.key().split("/");
      if (parts.length != 3 || !parts[2].endsWith(".json")) {
        continue;
      }
      try {
        long seq = Long.parseLong(parts[2].substring(0, parts[2].length() - 5));
        byName.computeIfAbsent(parts[1], n -> new TreeMap<>()).put(seq, e.key());
      } catch (NumberFormatException ignored) {
        // not a definition
      }
    }
    Map<String, String> out = new TreeMap<>();
    byName.forEach((name, seqs) -> out.put(name, seqs.lastEntry().getValue()));
    return out;
  }

  private List<CollectionDefinition> loadShared() {
    try {
      Map<String, String> newest = newestKeys(shared.list(DEFINITIONS));
      List<CollectionDefinition> out = new ArrayList<>();
      for (Map.Entry<String, String> e : newest.entrySet()) {
        read(e.getValue()).ifPresent(out::add);
      }
      parsed.keySet().retainAll(newest.values());
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list the catalog at " + shared.location(), e);
    }
  }

  /** The definition a key holds; empty for a tombstone or an unreadable one. */
  private Optional<CollectionDefinition> read(String key) throws IOException {
    Optional<CollectionDefinition> known = parsed.get(key);
    if (known != null) {
      return known;
    }
    Optional<byte[]> bytes = shared.read(key);
    if (bytes.isEmpty()) {
      return Optional.empty(); // deleted meanwhile: a newer seq exists
    }
    Optional<CollectionDefinition> d;
    try {
      JsonNode node = json.readTree(bytes.get());
      d =
          node.has("deleted")
              ? Optional.empty()
              : Optional.of(json.treeToValue(node, CollectionDefinition.class));
    } catch (RuntimeException e) {
      log.error("Cannot read collection definition {}: skipping it", key, e);
      d = Optional.empty();
    }
    parsed.put(key, d);
    return d;
  }

  /**
   * Writes a definition. In the data directory: to a temporary file, then moved over the old one
   * atomically. Shared: as the next seq, only if the current one is still {@code expected} (null:
   * none, or dropped).
   *
   * @throws ApiException 409 {@code WRITE_CONFLICT} when another node changed the collection first
   *     to something else
   */
  public void save(CollectionDefinition definition, CollectionDefinition expected) {
    try {
      if (shared == null) {
        AtomicFile.replace(
            directory(definition.name()).resolve(FILE),
            json.writerWithDefaultPrettyPrinter().writeValueAsBytes(definition));
        return;
      }
      writeNext(
          definition.name(),
          json.writerWithDefaultPrettyPrinter().writeValueAsBytes(definition),
          expected,
          Optional.of(definition));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot save collection " + definition.name(), e);
    }
  }

  /** Removes the definition (first, so a crash leaves no half-registered collection). */
  public void remove(String name, CollectionDefinition expected) {
    try {
      if (shared == null) {
        Files.deleteIfExists(directory(name).resolve(FILE));
        return;
      }
      writeNext(name, "{\"deleted\": true}\n".getBytes(), expected, Optional.empty());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot remove collection " + name, e);
    }
  }

  private void writeNext(
      String name, byte[] content, CollectionDefinition expected, Optional<CollectionDefinition> d)
      throws IOException {
    String prefix = DEFINITIONS + name + "/";
    List<BlobStore.Entry> listed = shared.list(prefix);
    String current = newestKeys(listed).get(name);
    long seq = current == null ? 0 : seqOf(current);
    Optional<CollectionDefinition> now = current == null ? Optional.empty() : read(current);
    if (!now.equals(Optional.ofNullable(expected))) {
      if (now.equals(d)) {
        return; // another node wrote just this
      }
      throw conflict(name);
    }
    String key = prefix + String.format("%010d", seq + 1) + ".json";
    if (!shared.createIfAbsent(key, content)) {
      if (read(key).equals(d)) {
        return;
      }
      throw conflict(name);
    }
    parsed.put(key, d);
    // the seqs before the one just replaced, as listed before the write (seqs only grow)
    for (BlobStore.Entry e : listed) {
      String[] parts = e.key().split("/");
      if (parts.length == 3 && parts[2].endsWith(".json")) {
        try {
          if (seqOf(e.key()) < seq) {
            shared.delete(e.key());
          }
        } catch (NumberFormatException ignored) {
          // not a definition
        }
      }
    }
  }

  private static long seqOf(String key) {
    String file = key.substring(key.lastIndexOf('/') + 1);
    return Long.parseLong(file.substring(0, file.length() - 5));
  }

  private static ApiException conflict(String name) {
    return new ApiException(
        ErrorCode.WRITE_CONFLICT,
        "collection '"
            + name
            + "' was changed by another node meanwhile: nothing was changed here; read it and"
            + " try again");
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
