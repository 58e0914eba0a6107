package io.lakeshelf.content.rows;

import io.delta.kernel.types.StructField;
import io.delta.kernel.types.StructType;
import io.lakeshelf.content.RowLocator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import io.lakeshelf.content.storage.FileTail;
import io.lakeshelf.content.storage.StorageEngine;
import java.util.HashSet;
import java.util.Optional;
import java.util.PrimitiveIterator;
import java.util.Set;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Objects;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.Function;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.convert.GroupRecordConverter;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ParquetMetadata;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.metadata.ColumnPath;
import org.apache.parquet.internal.column.columnindex.OffsetIndex;
import org.apache.parquet.internal.filter2.columnindex.RowRanges;
import org.apache.parquet.io.MessageColumnIO;
import org.apache.parquet.io.RecordReader;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.Type;

/**
 * Reads given rows of a Delta table straight from its Parquet data files: the join from search
 * hits back to the table.
 *
 * <p>Rows are grouped by data file, and files are read in parallel on the given executor. The
 * requests one file costs, on local disk and on S3 alike (each is one {@link
 * io.lakeshelf.content.storage.RangeReader} read):
 *
 * <ul>
 *   <li><b>Cold</b> (footer not cached): one read of the file's last {@link
 *       StorageEngine#tailReadSize()} bytes, which holds the footer and, written just before it,
 *       the offset indexes; one more only if the footer or the offset indexes reach further back.
 *       The tail is then cached ({@link StorageEngine#tails()}), and its footer kept parsed.
 *   <li><b>Warm</b>: per row group that holds a wanted row, one read spanning just the pages of the
 *       requested columns that hold the wanted rows (found in the offset indexes) and their
 *       dictionary pages. Parquet's filtered row-group read then decodes those pages from memory.
 *       Files written without offset indexes cost the requested column chunks of the row group
 *       instead, still in one read.
 * </ul>
 *
 * So a top-10 search whose hits fall in ten files costs ten reads in parallel when warm: about one
 * round trip. Values follow the table's schema: column mapping (by name or id),
 * partition values (taken from the log, not the file) and widened types are resolved; see {@link
 * ParquetValues} for the Java types. Data files are immutable, so a locator taken from an index of
 * some table version reads the row exactly as the table held it at that version.
 */
public final class RowReader {

  private final StorageEngine storage;

  /** Most footers kept parsed, so a warm join does not decode them again for every search. */
  static final int PARSED_FOOTERS = 1024;

  private final Map<String, ParquetMetadata> footers = java.util.Collections.synchronizedMap(
      new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, ParquetMetadata> eldest) {
          return size() > PARSED_FOOTERS;
        }
      });
  private final DataFileResolver files;
  private final StructType schema;
  private final ColumnResolver resolver;
  private final List<String> partitionColumns;
  private final Executor executor;

  /**
   * @param tableLocation the table root
   * @param schema the table's logical schema
   * @param columnMappingMode the table's {@code delta.columnMapping.mode}, or null
   * @param partitionColumns the table's partition columns
   */
  public RowReader(
      StorageEngine storage,
      String tableLocation,
      StructType schema,
      String columnMappingMode,
      List<String> partitionColumns,
      Executor executor) {
    this.storage = Objects.requireNonNull(storage, "storage");
    this.files = new DataFileResolver(tableLocation);
    this.schema = Objects.requireNonNull(schema, "schema");
    this.resolver = ColumnResolver.forMode(columnMappingMode);
    this.partitionColumns = List.copyOf(partitionColumns);
    this.executor = Objects.requireNonNull(executor, "executor");
  }

  public StructType schema() {
    return schema;
  }

  /**
   * Reads these columns of the rows at these locators. Each row maps column names to values;
   * locators past the end of their file, or into a file that no longer exists, are left out.
   *
   * @param partitionValues the partition values of a data file, as its add action holds them (keyed
   *     by physical or logical column name); unused for unpartitioned tables
   */
  public Map<RowLocator, Map<String, Object>> read(
      List<RowLocator> locators,
      List<String> columns,
      Function<String, Map<String, String>> partitionValues) {
    List<StructField> fields = new ArrayList<>();
    for (String c : columns) {
      int i = schema.indexOf(c);
      if (i < 0) {
        throw new IllegalArgumentException("the table has no column '" + c + "'");
      }
      fields.add(schema.at(i));
    }
    Map<String, NavigableSet<Long>> byFile = new LinkedHashMap<>();
    for (RowLocator l : locators) {
      byFile.computeIfAbsent(l.dataFile(), f -> new TreeSet<>()).add(l.rowIndex());
    }
    List<CompletableFuture<Map<RowLocator, Map<String, Object>>>> reads = new ArrayList<>();
    for (Map.Entry<String, NavigableSet<Long>> e : byFile.entrySet()) {
      if (byFile.size() == 1) {
        reads.add(CompletableFuture.completedFuture(
            readFile(e.getKey(), e.getValue(), fields, partitionValues)));
      } else {
        reads.add(CompletableFuture.supplyAsync(
            () -> readFile(e.getKey(), e.getValue(), fields, partitionValues), executor));
      }
    }
    Map<RowLocator, Map<String, Object>> out = new HashMap<>();
    try {
      for (var read : reads) {
        out.putAll(read.join());
      }
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      throw e;
    }
    return out;
  }

  private Map<RowLocator, Map<String, Object>> readFile(
      String dataFile,
      NavigableSet<Long> rows,
      List<StructField> fields,
      Function<String, Map<String, String>> partitionValues) {
    URI uri = files.resolve(dataFile);
    String location = DataFileResolver.storageLocation(uri);
    Map<String, Object> partitions = new HashMap<>();
    List<StructField> dataFields = new ArrayList<>();
    for (StructField f : fields) {
      if (isPartitionColumn(f.getName())) {
        Map<String, String> values = partitionValues.apply(dataFile);
        partitions.put(f.getName(), PartitionValues.parse(partitionValue(values, f), f.getDataType()));
      } else {
        dataFields.add(f);
      }
    }
    try {
      Optional<FileTail> cached = storage.tails().get(location);
      FileTail tail = cached.isPresent() ? cached.get() : readFooter(location);
      PrefetchedInputFile input = new PrefetchedInputFile(location, tail, storage.ranges());
      ParquetMetadata parsed = cached.isPresent() ? footers.get(location) : null;
      try (ParquetFileReader reader = parsed == null
          ? ParquetFileReader.open(input, readOptions())
          : new ParquetFileReader(input, parsed, readOptions(), input.newStream())) {
        if (parsed == null) {
          footers.put(location, reader.getFooter());
        }
        if (cached.isEmpty()) {
          storage.tails().put(location, withPageIndexes(location, tail, reader, input));
        }
        return readRows(dataFile, reader, input, rows, fields, dataFields, partitions);
      }
    } catch (java.io.FileNotFoundException | java.nio.file.NoSuchFileException e) {
      // The file left the table and was deleted (VACUUM, a replaced table) after the index that
      // named it was published: its rows are no longer in the table, so none is returned.
      return Map.of();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read rows of " + uri, e);
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
    long footerLength = (b[n - 8] & 0xffL) | (b[n - 7] & 0xffL) << 8 | (b[n - 6] & 0xffL) << 16 | (b[n - 5] & 0xffL) << 24;
    long footerStart = tail.fileLength() - 8 - footerLength;
    if (footerStart < tail.offset()) {
      tail = tail.extendedBy(
          storage.ranges().readRange(location, footerStart, (int) (tail.offset() - footerStart)));
    }
    return tail;
  }

  /**
   * The tail extended back over the file's offset indexes (written just before the footer) when
   * the first read did not reach them, so that a warm read finds every page location in memory.
   */
  private FileTail withPageIndexes(
      String location, FileTail tail, ParquetFileReader reader, PrefetchedInputFile input) throws IOException {
    long start = tail.offset();
    for (BlockMetaData block : reader.getRowGroups()) {
      for (ColumnChunkMetaData chunk : block.getColumns()) {
        if (chunk.getOffsetIndexReference() != null) {
          start = Math.min(start, chunk.getOffsetIndexReference().getOffset());
        }
      }
    }
    if (start < tail.offset()) {
      tail = tail.extendedBy(storage.ranges().readRange(location, start, (int) (tail.offset() - start)));
      input.tail(tail);
    }
    return tail;
  }

  private Map<RowLocator, Map<String, Object>> readRows(
      String dataFile,
      ParquetFileReader reader,
      PrefetchedInputFile input,
      NavigableSet<Long> rows,
      List<StructField> fields,
      List<StructField> dataFields,
      Map<String, Object> partitions) throws IOException {
    MessageType fileSchema = reader.getFooter().getFileMetaData().getSchema();
    List<Type> requestedFields = new ArrayList<>();
    for (StructField f : dataFields) {
      int i = resolver.indexIn(fileSchema, f);
      if (i >= 0) {
        requestedFields.add(fileSchema.getType(i));
      }
    }
    MessageType requested = new MessageType(fileSchema.getName(), requestedFields);
    reader.setRequestedSchema(requested);
    Set<ColumnPath> paths = new HashSet<>();
    for (ColumnDescriptor c : requested.getColumns()) {
      paths.add(ColumnPath.get(c.getPath()));
    }
    MessageColumnIO io = new ColumnIOFactory().getColumnIO(requested, fileSchema);
    ParquetValues values = new ParquetValues(resolver);
    Map<RowLocator, Map<String, Object>> out = new HashMap<>();
    List<BlockMetaData> blocks = reader.getRowGroups();
    long first = 0;
    for (int b = 0; b < blocks.size() && first <= rows.last(); b++) {
      BlockMetaData block = blocks.get(b);
      long end = first + block.getRowCount();
      NavigableSet<Long> wanted = rows.subSet(first, true, end, false);
      long groupFirst = first;
      if (!wanted.isEmpty()) {
        List<ColumnChunkMetaData> chunks = new ArrayList<>();
        boolean pageIndexed = true;
        for (ColumnChunkMetaData chunk : block.getColumns()) {
          if (paths.contains(chunk.getPath())) {
            chunks.add(chunk);
            pageIndexed &= chunk.getOffsetIndexReference() != null;
          }
        }
        // The rows whose records the reader yields, in order: the wanted rows of a filtered read,
        // or every row of the group up to the last wanted one.
        PrimitiveIterator.OfLong recordRows;
        RecordReader<Group> records;
        if (requestedFields.isEmpty()) {
          records = null;
          recordRows = wanted.stream().mapToLong(r -> r - groupFirst).iterator();
        } else if (pageIndexed) {
          List<OffsetIndex> offsets = new ArrayList<>();
          for (ColumnChunkMetaData chunk : chunks) {
            offsets.add(reader.readOffsetIndex(chunk));
          }
          long[] read = rowsToRead(wanted, groupFirst, block.getRowCount(), offsets);
          RowRanges ranges = rowRanges(read, block.getRowCount());
          prefetchPages(input, chunks, offsets, ranges, block.getRowCount());
          PageReadStore pages = reader.readFilteredRowGroup(b, ranges);
          if (pages.getRowCount() != read.length) {
            throw new IOException("a filtered read of row group " + b + " of " + dataFile + " yields "
                + pages.getRowCount() + " rows for " + read.length + " asked");
          }
          records = io.getRecordReader(pages, new GroupRecordConverter(requested));
          recordRows = java.util.Arrays.stream(read).iterator();
        } else {
          prefetchChunks(input, chunks);
          records = io.getRecordReader(reader.readRowGroup(b), new GroupRecordConverter(requested));
          recordRows = java.util.stream.LongStream.rangeClosed(0, wanted.last() - first).iterator();
        }
        while (recordRows.hasNext()) {
          long row = first + recordRows.nextLong();
          Group g = records == null ? null : records.read();
          if (wanted.contains(row)) {
            Map<String, Object> r = new LinkedHashMap<>();
            for (StructField f : fields) {
              r.put(
                  f.getName(),
                  partitions.containsKey(f.getName())
                      ? partitions.get(f.getName())
                      : g == null ? null : values.read(g, resolver.indexIn(requested, f), f.getDataType()));
            }
            out.put(new RowLocator(dataFile, row), r);
          }
        }
      }
      first = end;
    }
    return out;
  }

  /**
   * The rows of one row group a filtered read asks for (relative to the row group, ascending): the
   * wanted rows, and one neighbour of the last when the row before it is not wanted.
   *
   * <p>Why the neighbour: parquet-java's synchronizing column reader (1.16 to 1.18) takes the next
   * row it must reach from the row indexes as soon as it passes the previous one, and at the end
   * of a page it treats an empty iterator as the end of the column. When the last row asked for
   * lies in a later page of some column than the row asked for before it, that column's reader
   * stops at the end of the earlier page and the record reader is handed the values it decoded
   * last: a hit with another row's text. When the last two rows asked for are adjacent the
   * reader passes the second-to-last only onto the last, so it takes the last row exactly when it
   * reaches it, and any page change happened before, while the iterator still held it. A single
   * row is safe too: the reader starts in its page. Of the two neighbours (before and after), the
   * one that lies in the last row's page in more columns is taken, so it costs no page read
   * where it can be helped.
   */
  static long[] rowsToRead(NavigableSet<Long> wanted, long first, long rowCount, List<OffsetIndex> offsets) {
    java.util.TreeSet<Long> read = new java.util.TreeSet<>();
    for (long r : wanted) {
      read.add(r - first);
    }
    long last = read.last();
    if (read.size() > 1 && !read.contains(last - 1)) {
      long before = last - 1;
      long after = last + 1;
      if (after < rowCount && pageChanges(offsets, last, after, rowCount) < pageChanges(offsets, last, before, rowCount)) {
        read.add(after);
      } else {
        read.add(before);
      }
    }
    return read.stream().mapToLong(Long::longValue).toArray();
  }

  /** In how many of these columns rows {@code a} and {@code b} lie in different pages. */
  private static int pageChanges(List<OffsetIndex> offsets, long a, long b, long rowCount) {
    int changes = 0;
    for (OffsetIndex pages : offsets) {
      if (pages != null && page(pages, a, rowCount) != page(pages, b, rowCount)) {
        changes++;
      }
    }
    return changes;
  }

  private static int page(OffsetIndex pages, long row, long rowCount) {
    for (int i = 0; i < pages.getPageCount(); i++) {
      if (row >= pages.getFirstRowIndex(i) && row <= pages.getLastRowIndex(i, rowCount)) {
        return i;
      }
    }
    return -1;
  }

  /** Rows of one row group (relative, ascending) as Parquet's row ranges. */
  private static RowRanges rowRanges(long[] rows, long rowCount) {
    OffsetIndex onePagePerRow = new OffsetIndex() {
      @Override
      public int getPageCount() {
        return rows.length;
      }

      @Override
      public long getOffset(int pageIndex) {
        return 0;
      }

      @Override
      public int getCompressedPageSize(int pageIndex) {
        return 0;
      }

      @Override
      public long getFirstRowIndex(int pageIndex) {
        return rows[pageIndex];
      }

      @Override
      public long getLastRowIndex(int pageIndex, long rowGroupRowCount) {
        return rows[pageIndex];
      }
    };
    return RowRanges.create(rowCount, java.util.stream.IntStream.range(0, rows.length).iterator(), onePagePerRow);
  }

  /**
   * Bytes between two wanted ranges that are read rather than asked for separately: a request
   * costs a round trip, a quarter megabyte costs a few milliseconds of transfer.
   */
  static final long MAX_GAP = 256 << 10;

  /**
   * Fetches the pages of these column chunks that hold the wanted rows (and each chunk's dictionary
   * page), which Parquet's filtered row-group read then finds in memory. Pages close together are
   * read in one request; a large gap between them (another column's pages, such as an embedding
   * column the join does not read, lying between the requested ones) splits the read in two, sent
   * in parallel.
   */
  private static void prefetchPages(
      PrefetchedInputFile input, List<ColumnChunkMetaData> chunks, List<OffsetIndex> offsets,
      RowRanges ranges, long rowCount) throws IOException {
    List<long[]> wanted = new ArrayList<>();
    for (int c = 0; c < chunks.size(); c++) {
      ColumnChunkMetaData chunk = chunks.get(c);
      OffsetIndex pages = offsets.get(c);
      if (pages == null || pages.getPageCount() == 0) {
        continue;
      }
      if (chunk.getStartingPos() < pages.getOffset(0)) {
        wanted.add(new long[] {chunk.getStartingPos(), pages.getOffset(0)});
      }
      for (int i = 0; i < pages.getPageCount(); i++) {
        if (ranges.isOverlapping(pages.getFirstRowIndex(i), pages.getLastRowIndex(i, rowCount))) {
          wanted.add(new long[] {pages.getOffset(i), pages.getOffset(i) + pages.getCompressedPageSize(i)});
        }
      }
    }
    input.prefetchAll(coalesce(wanted));
  }

  /** Byte ranges sorted and merged where they overlap or lie at most {@link #MAX_GAP} apart. */
  static List<long[]> coalesce(List<long[]> ranges) {
    List<long[]> sorted = new ArrayList<>(ranges);
    sorted.sort(java.util.Comparator.comparingLong(r -> r[0]));
    List<long[]> out = new ArrayList<>();
    for (long[] r : sorted) {
      long[] last = out.isEmpty() ? null : out.get(out.size() - 1);
      if (last != null && r[0] - last[1] <= MAX_GAP) {
        last[1] = Math.max(last[1], r[1]);
      } else {
        out.add(new long[] {r[0], r[1]});
      }
    }
    return out;
  }

  /** Fetches these whole column chunks in one request (files written without page indexes). */
  private static void prefetchChunks(PrefetchedInputFile input, List<ColumnChunkMetaData> chunks)
      throws IOException {
    long from = Long.MAX_VALUE;
    long to = Long.MIN_VALUE;
    for (ColumnChunkMetaData chunk : chunks) {
      from = Math.min(from, chunk.getStartingPos());
      to = Math.max(to, chunk.getStartingPos() + chunk.getTotalSize());
    }
    if (from < to) {
      input.prefetch(from, to - from);
    }
  }

  /**
   * Options for one file read. Not shared: they hold the codec factory, whose decompressors are
   * not thread-safe. Built on a plain configuration, not Hadoop's, which re-parses its XML
   * defaults every time one is made.
   */
  private static ParquetReadOptions readOptions() {
    return ParquetReadOptions.builder(new org.apache.parquet.conf.PlainParquetConfiguration()).build();
  }

  private boolean isPartitionColumn(String name) {
    for (String p : partitionColumns) {
      if (p.equalsIgnoreCase(name)) {
        return true;
      }
    }
    return false;
  }

  private static String partitionValue(Map<String, String> values, StructField f) {
    if (values == null) {
      return null;
    }
    if (f.getMetadata().contains(ColumnResolver.PHYSICAL_NAME)) {
      String physical = f.getMetadata().getString(ColumnResolver.PHYSICAL_NAME);
      if (values.containsKey(physical)) {
        return values.get(physical);
      }
    }
    return values.get(f.getName());
  }
}
