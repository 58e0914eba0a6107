package io.lakeshelf.index.snapshot;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.lakeshelf.content.TableVersion;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What one snapshot holds, stored as its manifest object; written last, so that a snapshot whose
 * manifest can be read is complete.
 *
 * @param format the layout version ({@link #FORMAT}); a snapshot of another is not used
 * @param collection the collection it was taken of
 * @param vector the named vector
 * @param tableId the Delta table id the index reflects
 * @param tableVersion the table version the index reflects
 * @param fit what an index must be built for to use it ({@link IndexSnapshots#fit})
 * @param index the index commit's manifest, as its commit data
 * @param segments how many Lucene segments the index has (a search visits each: of two snapshots of
 *     one table version, the one with fewer serves faster)
 * @param data the key prefix (under the vector's) of the snapshot's files
 * @param files the index files, the commit's segments file among them
 * @param bytes the files' total length
 * @param publishedAt when the manifest was written (ISO-8601, UTC)
 * @param publishedBy which node wrote it (host and process)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record SnapshotManifest(
    int format,
    String collection,
    String vector,
    String tableId,
    long tableVersion,
    String fit,
    Map<String, String> index,
    int segments,
    String data,
    List<SnapshotFile> files,
    long bytes,
    String publishedAt,
    String publishedBy) {

  /**
   * The snapshot layout version; a snapshot of another is not used. 2: the manifest key and the
   * manifest carry the segment count; 1: keyed by table version alone.
   */
  public static final int FORMAT = 2;

  /** One index file of a snapshot. */
  public record SnapshotFile(String name, long size) {
    public SnapshotFile {
      Objects.requireNonNull(name, "name");
      if (name.isEmpty() || name.contains("/") || name.startsWith(".")) {
        throw new IllegalArgumentException("not an index file name: " + name);
      }
    }
  }

  public SnapshotManifest {
    if (segments < 0) {
      throw new IllegalArgumentException("segments must be at least 0");
    }
    Objects.requireNonNull(collection, "collection");
    Objects.requireNonNull(vector, "vector");
    Objects.requireNonNull(tableId, "tableId");
    Objects.requireNonNull(fit, "fit");
    Objects.requireNonNull(data, "data");
    Instant.parse(Objects.requireNonNull(publishedAt, "publishedAt"));
    index = Map.copyOf(index);
    files = List.copyOf(files);
  }

  /** When the manifest was written. */
  public Instant published() {
    return Instant.parse(publishedAt);
  }

  public TableVersion version() {
    return TableVersion.of(tableVersion);
  }
}
