package io.lakeshelf.content;

/**
 * A committed version of a Delta table: 0 for the commit that created it. {@link #NONE} stands for
 * "nothing yet", such as an index that has not indexed any version.
 */
public record TableVersion(long value) implements Comparable<TableVersion> {

  /** No version: before the first commit was seen. */
  public static final TableVersion NONE = new TableVersion(-1);

  public TableVersion {
    if (value < -1) {
      throw new IllegalArgumentException("table version must be >= -1, got " + value);
    }
  }

  public static TableVersion of(long value) {
    return value == -1 ? NONE : new TableVersion(value);
  }

  public boolean isNone() {
    return value == -1;
  }

  @Override
  public int compareTo(TableVersion other) {
    return Long.compare(value, other.value);
  }

  @Override
  public String toString() {
    return Long.toString(value);
  }
}
