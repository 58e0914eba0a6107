package io.lakeshelf.content.table;

import io.lakeshelf.content.TableVersion;
import java.util.Objects;

/**
 * What a write did: the table version it committed (or the unchanged version when there was nothing
 * to commit) and how many rows it upserted or deleted.
 */
public record CommitResult(TableVersion version, int rows, boolean committed) {

  public CommitResult {
    Objects.requireNonNull(version, "version");
    if (rows < 0) {
      throw new IllegalArgumentException("rows must not be negative");
    }
  }
}
