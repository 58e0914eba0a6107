package io.lakeshelf.content.rows;

import io.lakeshelf.content.storage.FileTailCache;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.parquet.VersionParser;
import org.apache.parquet.column.page.DictionaryPage;
import org.apache.parquet.format.Util;
import org.apache.parquet.format.converter.ParquetMetadataConverter;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.metadata.FileMetaData;
import org.apache.parquet.hadoop.metadata.ParquetMetadata;
import org.apache.parquet.internal.column.columnindex.OffsetIndex;
import org.apache.parquet.internal.hadoop.metadata.IndexReference;

/**
 * What the join keeps of one data file once its tail was read, beside the tail in the engine's
 * {@link FileTailCache}: the parsed footer, the offset indexes parsed when first needed (one per
 * column chunk, decoded from the cached tail, so a warm join parses none), and the small dictionary
 * pages already decompressed. Immutable data files make all of it valid for as long as it is kept;
 * it leaves the cache with its tail. Thread-safe: joins of many searches share it.
 */
final class FileLayout implements FileTailCache.ParsedTail {

  /** Dictionary pages kept decompressed up to this size; larger ones are read with the pages. */
  static final int MAX_KEPT_DICTIONARY_BYTES = 64 << 10;

  private final ParquetMetadata footer;
  private final VersionParser.ParsedVersion writer;
  private final boolean encrypted;
  private final Map<Long, OffsetIndex> offsetIndexes = new ConcurrentHashMap<>();
  private final Map<Long, DictionaryPage> dictionaries = new ConcurrentHashMap<>();

  FileLayout(ParquetMetadata footer) {
    this.footer = footer;
    FileMetaData meta = footer.getFileMetaData();
    this.writer = writerOf(meta.getCreatedBy());
    this.encrypted = meta.getEncryptionType() != FileMetaData.EncryptionType.UNENCRYPTED;
  }

  @Override
  public ParquetMetadata footer() {
    return footer;
  }

  /** The writer's version, as Parquet's readers use it to work around old writers' bugs. */
  VersionParser.ParsedVersion writer() {
    return writer;
  }

  /** Whether the file uses Parquet's modular encryption (then only Parquet's reader reads it). */
  boolean encrypted() {
    return encrypted;
  }

  /**
   * The offset index of column {@code column} of row group {@code rowGroup}, parsed from the file's
   * bytes on first use; null if the file has none for it.
   */
  OffsetIndex offsetIndex(int rowGroup, int column, PrefetchedInputFile input) throws IOException {
    long key = key(rowGroup, column);
    OffsetIndex kept = offsetIndexes.get(key);
    if (kept != null) {
      return kept;
    }
    ColumnChunkMetaData chunk = footer.getBlocks().get(rowGroup).getColumns().get(column);
    IndexReference ref = chunk.getOffsetIndexReference();
    if (ref == null) {
      return null;
    }
    byte[] bytes = input.bytes(ref.getOffset(), ref.getLength());
    OffsetIndex parsed =
        ParquetMetadataConverter.fromParquetOffsetIndex(
            Util.readOffsetIndex(new ByteArrayInputStream(bytes)));
    offsetIndexes.put(key, parsed);
    return parsed;
  }

  /** The decompressed dictionary page of a column chunk, if kept. */
  DictionaryPage dictionary(int rowGroup, int column) {
    return dictionaries.get(key(rowGroup, column));
  }

  /** Keeps a column chunk's decompressed dictionary page if it is small. */
  void keepDictionary(int rowGroup, int column, DictionaryPage page) throws IOException {
    if (page.getUncompressedSize() <= MAX_KEPT_DICTIONARY_BYTES) {
      dictionaries.putIfAbsent(key(rowGroup, column), page.copy());
    }
  }

  private static long key(int rowGroup, int column) {
    return ((long) rowGroup << 32) | (column & 0xffffffffL);
  }

  private static VersionParser.ParsedVersion writerOf(String createdBy) {
    try {
      return createdBy == null ? null : VersionParser.parse(createdBy);
    } catch (VersionParser.VersionParseException | RuntimeException e) {
      return null;
    }
  }
}
