package io.lakeshelf.cli.source;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Documents of a file in file order, each as one JSON object the ingest API takes, read as they are
 * asked for. A source is opened at a position a previous one gave ({@link #position()}), so an
 * interrupted ingest resumes where its last acknowledged batch ended.
 */
public interface DocumentSource extends Closeable {

  /** One document: its JSON (UTF-8), its id (null when it has none) and where it is in the file. */
  record Row(byte[] json, String id, String where) {}

  /** Rows of the whole file (from the first, whatever the position opened at). */
  long totalRows();

  /** The next document, or null after the last. */
  Row next() throws IOException;

  /** Where the row after the last one returned starts: what resuming from here opens at. */
  long position();

  /** Columns of the file that are not document fields, and are not read. */
  default java.util.List<String> ignoredColumns() {
    return java.util.List.of();
  }

  /** {@code jsonl} or {@code parquet}. */
  String format();

  /**
   * Opens {@code file} at {@code position} (0: the first row) as the format its name says: {@code
   * .parquet} (or {@code .parq}) files as Parquet, any other as JSONL.
   */
  static DocumentSource open(Path file, String format, long position) throws IOException {
    return switch (format) {
      case "parquet" -> ParquetSource.open(file, position);
      case "jsonl" -> JsonlSource.open(file, position);
      default -> throw new IllegalArgumentException("unknown format " + format);
    };
  }

  /**
   * The format of a file by its name: {@code parquet} for {@code *.parquet}, else {@code jsonl}.
   */
  static String formatOf(Path file) {
    String name = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
    return name.endsWith(".parquet") || name.endsWith(".parq") ? "parquet" : "jsonl";
  }
}
