package io.lakeshelf.content.table;

import java.util.Objects;

/**
 * Which table columns play which role in a content table. Only {@code id} is required; a null role
 * means the table has no such column.
 *
 * <p>Images are {@code array<struct<uri, content_type, size_bytes, checksum, checksum_algo>>};
 * metadata is {@code map<string, string>}; vector columns are {@code array<float>} and are named by
 * each {@link io.lakeshelf.content.VectorSpec}.
 */
public record ContentColumns(
    String id, String title, String text, String images, String metadata, String ingestedAt) {

  /** The columns of a table Lakeshelf creates. */
  public static final ContentColumns MANAGED =
      new ContentColumns("id", "title", "text", "images", "metadata", "ingested_at");

  public ContentColumns {
    Objects.requireNonNull(id, "id column");
  }
}
