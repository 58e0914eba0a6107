package io.lakeshelf.content;

import java.util.Objects;

/**
 * Where a row lives in a Delta table: the data file, as the Delta log names it (relative to the
 * table root unless absolute), and the row's position within that file, counted from 0 across all
 * row groups.
 */
public record RowLocator(String dataFile, long rowIndex) {

  public RowLocator {
    Objects.requireNonNull(dataFile, "dataFile");
    if (dataFile.isEmpty()) {
      throw new IllegalArgumentException("dataFile must not be empty");
    }
    if (rowIndex < 0) {
      throw new IllegalArgumentException("rowIndex must not be negative: " + rowIndex);
    }
  }
}
