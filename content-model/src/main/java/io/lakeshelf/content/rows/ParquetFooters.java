package io.lakeshelf.content.rows;

import io.lakeshelf.content.storage.FileTail;
import io.lakeshelf.content.storage.FileTailCache;
import io.lakeshelf.content.storage.PageCache;
import io.lakeshelf.content.storage.StorageEngine;
import java.io.IOException;
import java.util.Objects;
import java.util.Optional;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;

/**
 * Where the join gets data files' footers: the one footer source, over the engine's one {@link
 * FileTailCache} (which keeps each file's tail bytes and, for the most recently used, its parsed
 * footer).
 *
 * <ul>
 *   <li><b>Cold</b> (tail not cached): one read of the file's last {@link
 *       StorageEngine#tailReadSize()} bytes, which holds the footer and, written just before it,
 *       the offset indexes; one more only if the footer or the offset indexes reach further back.
 *       The tail is then cached with its parsed footer.
 *   <li><b>Warm</b>: no request; the parsed footer is reused, or parsed again from the cached tail
 *       if the cache no longer holds it parsed.
 * </ul>
 */
final class ParquetFooters {

  private final StorageEngine storage;

  ParquetFooters(StorageEngine storage) {
    this.storage = Objects.requireNonNull(storage, "storage");
  }

  /**
   * A data file open for reading: the input that holds its fetched bytes, what its tail was parsed
   * to, and Parquet's reader over them, made only when asked for (the direct reads of {@link
   * LeafColumnReader} need none).
   */
  static final class OpenFile implements AutoCloseable {
    private final PrefetchedInputFile input;
    private final FileLayout layout;
    private ParquetFileReader reader;

    OpenFile(PrefetchedInputFile input, FileLayout layout, ParquetFileReader reader) {
      this.input = input;
      this.layout = layout;
      this.reader = reader;
    }

    PrefetchedInputFile input() {
      return input;
    }

    FileLayout layout() {
      return layout;
    }

    /** Parquet's reader of the file, over its parsed footer. */
    ParquetFileReader reader() throws IOException {
      if (reader == null) {
        reader = new ParquetFileReader(input, layout.footer(), readOptions(), input.newStream());
      }
      return reader;
    }

    @Override
    public void close() throws IOException {
      if (reader != null) {
        reader.close();
      }
    }
  }

  /** The engine's cache of decoded pages. */
  PageCache pages() {
    return storage.pages();
  }

  /**
   * Opens a data file at its footer: from the cache when warm, else with the reads above. The
   * caller closes the file.
   */
  OpenFile open(String location) throws IOException {
    FileTailCache tails = storage.tails();
    Optional<FileTail> cached = tails.get(location);
    FileTail tail = cached.isPresent() ? cached.get() : readFooter(location);
    PrefetchedInputFile input = new PrefetchedInputFile(location, tail, storage.ranges());
    if (cached.isPresent()) {
      Optional<FileTailCache.ParsedTail> parsed = tails.parsed(location);
      if (parsed.isPresent() && parsed.get() instanceof FileLayout layout) {
        return new OpenFile(input, layout, null);
      }
      if (parsed.isPresent()) {
        FileLayout layout = new FileLayout(parsed.get().footer());
        tails.putParsed(location, layout);
        return new OpenFile(input, layout, null);
      }
    }
    ParquetFileReader reader = ParquetFileReader.open(input, readOptions());
    try {
      FileLayout layout = new FileLayout(reader.getFooter());
      if (cached.isEmpty()) {
        tails.put(location, withPageIndexes(location, tail, reader, input), layout);
      } else {
        tails.putParsed(location, layout);
      }
      return new OpenFile(input, layout, reader);
    } catch (IOException | RuntimeException e) {
      try {
        reader.close();
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  /**
   * A file's footer in one request: its last {@code tailReadSize} bytes, a guess that usually holds
   * the footer and the page indexes before it. A footer larger than the guess costs one more.
   */
  private FileTail readFooter(String location) throws IOException {
    FileTail tail = storage.ranges().readTail(location, -1, storage.tailReadSize());
    byte[] b = tail.bytes();
    int n = b.length;
    if (n < 12 || b[n - 4] != 'P' || b[n - 3] != 'A' || b[n - 2] != 'R' || b[n - 1] != '1') {
      throw new IOException(location + " is not a Parquet file");
    }
    long footerLength =
        (b[n - 8] & 0xffL)
            | (b[n - 7] & 0xffL) << 8
            | (b[n - 6] & 0xffL) << 16
            | (b[n - 5] & 0xffL) << 24;
    long footerStart = tail.fileLength() - 8 - footerLength;
    if (footerStart < tail.offset()) {
      tail =
          tail.extendedBy(
              storage
                  .ranges()
                  .readRange(location, footerStart, (int) (tail.offset() - footerStart)));
    }
    return tail;
  }

  /**
   * The tail extended back over the file's offset indexes (written just before the footer) when the
   * first read did not reach them, so that a warm read finds every page location in memory.
   */
  private FileTail withPageIndexes(
      String location, FileTail tail, ParquetFileReader reader, PrefetchedInputFile input)
      throws IOException {
    long start = tail.offset();
    for (BlockMetaData block : reader.getRowGroups()) {
      for (ColumnChunkMetaData chunk : block.getColumns()) {
        if (chunk.getOffsetIndexReference() != null) {
          start = Math.min(start, chunk.getOffsetIndexReference().getOffset());
        }
      }
    }
    if (start < tail.offset()) {
      tail =
          tail.extendedBy(
              storage.ranges().readRange(location, start, (int) (tail.offset() - start)));
      input.tail(tail);
    }
    return tail;
  }

  /**
   * Options for one file read. Not shared: they hold the codec factory, whose decompressors are not
   * thread-safe. Built on a plain configuration, not Hadoop's, which re-parses its XML defaults
   * every time one is made.
   */
  private static ParquetReadOptions readOptions() {
    return ParquetReadOptions.builder(new PlainParquetConfiguration()).build();
  }
}
