package io.lakeshelf.index;

import io.lakeshelf.content.Similarity;
import io.lakeshelf.content.TableVersion;
import io.lakeshelf.content.VectorSpec;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What an index reflects, stored as the user data of each Lucene commit so that it changes
 * atomically with the index content: a commit either holds the new documents and the new
 * manifest, or neither.
 *
 * <pre>
 * lakeshelf.format       1
 * lakeshelf.tableVersion the Delta version the index reflects, -1 before the first sync
 * lakeshelf.tableId      the Delta table id (metadata.id) it was built from, empty if none yet
 * lakeshelf.vector       the named vector
 * lakeshelf.column       the table column the vectors come from
 * lakeshelf.dimensions   vector length
 * lakeshelf.similarity   cosine | dot | l2
 * </pre>
 */
public record IndexManifest(TableVersion tableVersion, String tableId, VectorSpec vector) {

  /** The layout version; an index of another format is rebuilt. */
  public static final int FORMAT = 1;

  private static final String K_FORMAT = "lakeshelf.format";
  private static final String K_VERSION = "lakeshelf.tableVersion";
  private static final String K_TABLE_ID = "lakeshelf.tableId";
  private static final String K_VECTOR = "lakeshelf.vector";
  private static final String K_COLUMN = "lakeshelf.column";
  private static final String K_DIMENSIONS = "lakeshelf.dimensions";
  private static final String K_SIMILARITY = "lakeshelf.similarity";

  public IndexManifest {
    Objects.requireNonNull(tableVersion, "tableVersion");
    Objects.requireNonNull(tableId, "tableId");
    Objects.requireNonNull(vector, "vector");
  }

  /** The manifest of an index that holds nothing yet. */
  public static IndexManifest empty(VectorSpec vector) {
    return new IndexManifest(TableVersion.NONE, "", vector);
  }

  public IndexManifest at(TableVersion version, String tableId) {
    return new IndexManifest(version, tableId, vector);
  }

  Map<String, String> toCommitData() {
    Map<String, String> data = new HashMap<>();
    data.put(K_FORMAT, Integer.toString(FORMAT));
    data.put(K_VERSION, Long.toString(tableVersion.value()));
    data.put(K_TABLE_ID, tableId);
    data.put(K_VECTOR, vector.name());
    data.put(K_COLUMN, vector.column());
    data.put(K_DIMENSIONS, Integer.toString(vector.dimensions()));
    data.put(K_SIMILARITY, vector.similarity().wireName());
    return data;
  }

  /** The manifest in a commit's user data, or empty if it holds none or one of another format. */
  static Optional<IndexManifest> fromCommitData(Map<String, String> data) {
    if (!Integer.toString(FORMAT).equals(data.get(K_FORMAT))) {
      return Optional.empty();
    }
    try {
      VectorSpec spec =
          new VectorSpec(
              data.get(K_VECTOR),
              data.get(K_COLUMN),
              Integer.parseInt(data.get(K_DIMENSIONS)),
              Similarity.fromWireName(data.get(K_SIMILARITY)));
      return Optional.of(
          new IndexManifest(
              TableVersion.of(Long.parseLong(data.get(K_VERSION))),
              data.getOrDefault(K_TABLE_ID, ""),
              spec));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }
}
