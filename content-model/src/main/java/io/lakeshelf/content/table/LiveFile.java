package io.lakeshelf.content.table;

import io.delta.kernel.data.Row;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A data file of a snapshot, with the deletion vector that masks some of its rows if any.
 *
 * @param path the file's path as the Delta log names it
 * @param sizeBytes the file's size
 * @param deletionVectorKey a key identifying the file's deletion vector, or null when it has none;
 *     a new key means a new set of deleted rows
 * @param partitionValues the file's partition values as the log holds them (physical names)
 * @param numRecords rows in the file (before its deletion vector) from its statistics, or -1
 * @param deletedRows rows its deletion vector hides (0 without one)
 * @param scanFileRow Delta Kernel's scan-file row, needed to read or remove the file
 */
public record LiveFile(
    String path,
    long sizeBytes,
    String deletionVectorKey,
    Map<String, String> partitionValues,
    long numRecords,
    long deletedRows,
    Row scanFileRow) {

  public LiveFile {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(scanFileRow, "scanFileRow");
    partitionValues =
        partitionValues == null
            ? Map.of()
            : Collections.unmodifiableMap(new HashMap<>(partitionValues));
  }
}
