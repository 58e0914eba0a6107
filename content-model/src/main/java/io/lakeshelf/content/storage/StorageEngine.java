package io.lakeshelf.content.storage;

import io.delta.kernel.defaults.engine.DefaultEngine;
import io.delta.kernel.defaults.engine.fileio.FileIO;
import java.io.IOException;
import java.util.Objects;

/**
 * Delta Kernel's default engine over Lakeshelf's file layer, plus what the search join reads data
 * files with: single-request {@link RangeReader range reads} and a {@link FileTailCache cache of
 * footers}. One engine serves every table of a process, local or on S3.
 */
public final class StorageEngine extends DefaultEngine {

  private final FileIO fileIO;
  private final RangeReader ranges;
  private final FileTailCache tails;
  private final PageCache pages;
  private final int tailReadSize;

  /** Removes every file under a location. */
  @FunctionalInterface
  interface TreeDeleter {
    void deleteTree(String location) throws IOException;
  }

  private final TreeDeleter deleter;

  StorageEngine(
      FileIO fileIO,
      RangeReader ranges,
      FileTailCache tails,
      PageCache pages,
      int tailReadSize,
      TreeDeleter deleter) {
    super(fileIO);
    this.deleter = Objects.requireNonNull(deleter, "deleter");
    this.fileIO = fileIO;
    this.ranges = Objects.requireNonNull(ranges, "ranges");
    this.tails = Objects.requireNonNull(tails, "tails");
    this.pages = Objects.requireNonNull(pages, "pages");
    if (tailReadSize < 16) {
      throw new IllegalArgumentException("tailReadSize must be at least 16 bytes");
    }
    this.tailReadSize = tailReadSize;
  }

  /** Deletes a table's files: everything under the location (a directory, or an S3 prefix). */
  public void deleteTree(String location) throws IOException {
    deleter.deleteTree(location);
  }

  /** The file layer Kernel reads and writes tables through. */
  public FileIO fileIO() {
    return fileIO;
  }

  /** Single-request reads of data-file byte ranges. */
  public RangeReader ranges() {
    return ranges;
  }

  /** Data-file tails (Parquet footers and page indexes) already read, with their parsed footers. */
  public FileTailCache tails() {
    return tails;
  }

  /** Data-file pages the join decoded, kept for the next joins of rows in them. */
  public PageCache pages() {
    return pages;
  }

  /**
   * How many bytes a cold footer read asks for: a guess that usually holds footer and page indexes.
   */
  public int tailReadSize() {
    return tailReadSize;
  }
}
