package io.lakeshelf.content;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One row of a content table: an id, optional title and text, image anchors, named vectors and
 * metadata (JSON scalars by key: see {@link io.lakeshelf.content.table.TypedMetadata}). Collections
 * are copied and unmodifiable; vectors are shared, not copied, and must not be changed after
 * construction.
 *
 * @param id the row's identity, unique within a table; never blank
 * @param ingestedAt when Lakeshelf wrote the row, or null for rows not yet written or written by
 *     others
 * @param columns table columns a read was asked for beside the roles ({@link
 *     io.lakeshelf.content.rows.Projection#columns}), each value in its JSON form; empty otherwise
 */
public record Document(
    String id,
    String title,
    String text,
    List<ImageAnchor> images,
    Map<String, float[]> vectors,
    Map<String, Object> metadata,
    Instant ingestedAt,
    Map<String, Object> columns) {

  /** A document without extra columns. */
  public Document(
      String id,
      String title,
      String text,
      List<ImageAnchor> images,
      Map<String, float[]> vectors,
      Map<String, Object> metadata,
      Instant ingestedAt) {
    this(id, title, text, images, vectors, metadata, ingestedAt, Map.of());
  }

  /** The longest id accepted, in characters. */
  public static final int MAX_ID_LENGTH = 512;

  public Document {
    Objects.requireNonNull(id, "id");
    if (id.isBlank()) {
      throw new IllegalArgumentException("id must not be blank");
    }
    if (id.length() > MAX_ID_LENGTH) {
      throw new IllegalArgumentException("id is longer than " + MAX_ID_LENGTH + " characters");
    }
    images = images == null ? List.of() : List.copyOf(images);
    vectors =
        vectors == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(vectors));
    metadata =
        metadata == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    columns =
        columns == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(columns));
    for (Map.Entry<String, float[]> e : vectors.entrySet()) {
      Objects.requireNonNull(e.getKey(), "vector name");
    }
    for (Map.Entry<String, Object> e : metadata.entrySet()) {
      Objects.requireNonNull(e.getKey(), "metadata key");
    }
  }

  /** This document with the given ingest time. */
  public Document withIngestedAt(Instant time) {
    return new Document(id, title, text, images, vectors, metadata, time, columns);
  }
}
