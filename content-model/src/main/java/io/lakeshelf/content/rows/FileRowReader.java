package io.lakeshelf.content.rows;

import io.delta.kernel.types.StructField;
import io.lakeshelf.content.RowLocator;
import io.lakeshelf.content.storage.DataFileResolver;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Optional;
import java.util.PrimitiveIterator;
import java.util.function.Function;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.compression.CompressionCodecFactory;
import org.apache.parquet.conf.ParquetConfiguration;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.CodecFactory;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.metadata.ColumnPath;
import org.apache.parquet.internal.column.columnindex.OffsetIndex;
import org.apache.parquet.io.RecordReader;
import org.apache.parquet.schema.MessageType;

/**
 * Reads the wanted rows of one data file: its footer from {@link ParquetFooters}, per row group
 * that holds a wanted row the pages {@link PageRangePlanner} plans (fetched before Parquet's reader
 * decodes them from memory), and each record as a row by {@link RowDecoder}.
 */
final class FileRowReader {

  private static final ParquetConfiguration CONF = new PlainParquetConfiguration();

  private final ParquetFooters footers;
  private final DataFileResolver files;
  private final ColumnResolver resolver;
  private final List<String> partitionColumns;

  FileRowReader(
      ParquetFooters footers,
      DataFileResolver files,
      ColumnResolver resolver,
      List<String> partitionColumns) {
    this.footers = footers;
    this.files = files;
    this.resolver = resolver;
    this.partitionColumns = List.copyOf(partitionColumns);
  }

  /**
   * These rows of one data file, keyed by locator; rows past the end of the file, or of a file that
   * no longer exists, are left out.
   */
  Map<RowLocator, Map<String, Object>> read(
      String dataFile,
      NavigableSet<Long> rows,
      List<StructField> fields,
      Function<String, Map<String, String>> partitionValues) {
    URI uri = files.resolve(dataFile);
    String location = DataFileResolver.storageLocation(uri);
    RowDecoder.FileFields fileFields =
        RowDecoder.FileFields.of(fields, partitionColumns, dataFile, partitionValues);
    try (ParquetFooters.OpenFile file = footers.open(location)) {
      return readRows(dataFile, file, rows, fileFields);
    } catch (FileNotFoundException | NoSuchFileException e) {
      // The file left the table and was deleted (VACUUM, a replaced table) after the index that
      // named it was published: its rows are no longer in the table, so none is returned.
      return Map.of();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read rows of " + uri, e);
    }
  }

  private Map<RowLocator, Map<String, Object>> readRows(
      String dataFile,
      ParquetFooters.OpenFile file,
      NavigableSet<Long> rows,
      RowDecoder.FileFields fileFields)
      throws IOException {
    FileLayout layout = file.layout();
    MessageType fileSchema = layout.footer().getFileMetaData().getSchema();
    List<DirectColumns.Column> direct = new ArrayList<>();
    List<StructField> viaRecords = new ArrayList<>();
    for (StructField f : fileFields.dataFields()) {
      Optional<DirectColumns.Column> c =
          layout.encrypted() ? Optional.empty() : DirectColumns.of(f, fileSchema, resolver);
      if (c.isPresent()) {
        direct.add(c.get());
      } else {
        viaRecords.add(f);
      }
    }
    List<BlockMetaData> blocks = layout.footer().getBlocks();
    List<List<LeafColumnReader.Chunk>> directChunks = new ArrayList<>();
    if (!direct.isEmpty()) {
      for (int b = 0; b < blocks.size() && directChunks != null; b++) {
        List<LeafColumnReader.Chunk> chunks = directChunks(b, blocks.get(b), direct, file);
        if (chunks == null) {
          directChunks = null; // a chunk without an offset index: the record reader reads all
        } else {
          directChunks.add(chunks);
        }
      }
      if (directChunks == null) {
        direct.forEach(c -> viaRecords.add(c.field()));
        direct.clear();
      }
    }
    RowDecoder records =
        viaRecords.isEmpty()
            ? null
            : new RowDecoder(
                new RowDecoder.FileFields(viaRecords, Map.of(), viaRecords), fileSchema, resolver);
    if (records != null) {
      file.reader().setRequestedSchema(records.requestedSchema());
    }
    CompressionCodecFactory codecs = direct.isEmpty() ? null : new CodecFactory(CONF, 0);
    try {
      Map<RowLocator, Map<String, Object>> out = new HashMap<>();
      long first = 0;
      for (int b = 0; b < blocks.size() && first <= rows.last(); b++) {
        BlockMetaData block = blocks.get(b);
        long end = first + block.getRowCount();
        NavigableSet<Long> wanted = rows.subSet(first, true, end, false);
        if (!wanted.isEmpty()) {
          long base = first;
          long[] relative = wanted.stream().mapToLong(r -> r - base).toArray();
          List<long[]> fetch = new ArrayList<>();
          List<LeafColumnReader.Chunk> chunks = direct.isEmpty() ? List.of() : directChunks.get(b);
          for (LeafColumnReader.Chunk c : chunks) {
            fetch.addAll(
                LeafColumnReader.ranges(
                    c, relative, layout, footers.pages(), file.input().toString()));
          }
          PageRangePlanner.Plan plan = null;
          if (records != null) {
            plan =
                PageRangePlanner.plan(
                    wanted,
                    first,
                    block.getRowCount(),
                    records.projected(),
                    chunks(file.reader(), block, records));
            fetch.addAll(plan.fetch());
          }
          file.input().prefetchAll(PageRangePlanner.coalesce(fetch));
          Map<Long, Map<String, Object>> recordValues =
              records == null
                  ? Map.of()
                  : recordValues(dataFile, file, b, plan, records, wanted, first);
          List<List<List<LeafColumnReader.LeafValue>>> leafValues = new ArrayList<>();
          for (LeafColumnReader.Chunk c : chunks) {
            leafValues.add(
                LeafColumnReader.read(
                    c,
                    relative,
                    file.input(),
                    layout,
                    codecs,
                    footers.pages(),
                    file.input().toString()));
          }
          int i = 0;
          for (long row : wanted) {
            Map<String, Object> r = new LinkedHashMap<>();
            int leaf = 0;
            Map<String, Object> directValues = new HashMap<>();
            for (DirectColumns.Column c : direct) {
              List<List<LeafColumnReader.LeafValue>> values = new ArrayList<>(c.leaves().size());
              for (int l = 0; l < c.leaves().size(); l++) {
                values.add(leafValues.get(leaf + l).get(i));
              }
              leaf += c.leaves().size();
              directValues.put(c.field().getName(), c.value(values));
            }
            Map<String, Object> fromRecords = recordValues.getOrDefault(row, Map.of());
            for (StructField f : fileFields.fields()) {
              String name = f.getName();
              r.put(
                  name,
                  fileFields.partitions().containsKey(name)
                      ? fileFields.partitions().get(name)
                      : directValues.containsKey(name)
                          ? directValues.get(name)
                          : fromRecords.get(name));
            }
            out.put(new RowLocator(dataFile, row), r);
            i++;
          }
        }
        first = end;
      }
      return out;
    } finally {
      if (codecs != null) {
        codecs.release();
      }
    }
  }

  /** The leaf chunks of the direct columns in one row group; null if one has no offset index. */
  private static List<LeafColumnReader.Chunk> directChunks(
      int b, BlockMetaData block, List<DirectColumns.Column> direct, ParquetFooters.OpenFile file)
      throws IOException {
    Map<ColumnPath, Integer> ordinals = new HashMap<>();
    List<ColumnChunkMetaData> columns = block.getColumns();
    for (int i = 0; i < columns.size(); i++) {
      ordinals.put(columns.get(i).getPath(), i);
    }
    List<LeafColumnReader.Chunk> out = new ArrayList<>();
    for (DirectColumns.Column c : direct) {
      for (ColumnDescriptor leaf : c.leaves()) {
        Integer ordinal = ordinals.get(ColumnPath.get(leaf.getPath()));
        if (ordinal == null) {
          return null;
        }
        OffsetIndex pages = file.layout().offsetIndex(b, ordinal, file.input());
        if (pages == null || pages.getPageCount() == 0) {
          return null;
        }
        out.add(
            new LeafColumnReader.Chunk(
                leaf, columns.get(ordinal), pages, block.getRowCount(), b, ordinal));
      }
    }
    return out;
  }

  /** The wanted rows' values of the columns the record reader reads, by row. */
  private static Map<Long, Map<String, Object>> recordValues(
      String dataFile,
      ParquetFooters.OpenFile file,
      int b,
      PageRangePlanner.Plan plan,
      RowDecoder decoder,
      NavigableSet<Long> wanted,
      long first)
      throws IOException {
    Map<Long, Map<String, Object>> out = new HashMap<>();
    RecordReader<Group> records = records(dataFile, file.reader(), file.input(), b, plan, decoder);
    PrimitiveIterator.OfLong recordRows = plan.recordRows();
    while (recordRows.hasNext()) {
      long row = first + recordRows.nextLong();
      Group g = records == null ? null : records.read();
      if (wanted.contains(row)) {
        out.put(row, decoder.decode(g));
      }
    }
    return out;
  }

  /**
   * The requested columns' chunks of a row group, with their offset indexes (read from the cached
   * tail) when every one of them has one.
   */
  private static List<PageRangePlanner.Chunk> chunks(
      ParquetFileReader reader, BlockMetaData block, RowDecoder decoder) throws IOException {
    if (!decoder.projected()) {
      return List.of();
    }
    List<ColumnChunkMetaData> requested = new ArrayList<>();
    boolean pageIndexed = true;
    for (ColumnChunkMetaData chunk : block.getColumns()) {
      if (decoder.reads(chunk.getPath())) {
        requested.add(chunk);
        pageIndexed &= chunk.getOffsetIndexReference() != null;
      }
    }
    List<PageRangePlanner.Chunk> out = new ArrayList<>();
    for (ColumnChunkMetaData chunk : requested) {
      out.add(
          new PageRangePlanner.Chunk(
              chunk.getStartingPos(),
              chunk.getTotalSize(),
              pageIndexed ? reader.readOffsetIndex(chunk) : null));
    }
    return out;
  }

  /** Fetches the planned bytes and reads the row group's records; null when no column is read. */
  private static RecordReader<Group> records(
      String dataFile,
      ParquetFileReader reader,
      PrefetchedInputFile input,
      int b,
      PageRangePlanner.Plan plan,
      RowDecoder decoder)
      throws IOException {
    switch (plan.kind()) {
      case NONE:
        return null;
      case PAGES:
        {
          input.prefetchAll(plan.fetch());
          PageReadStore pages = reader.readFilteredRowGroup(b, plan.ranges());
          if (pages.getRowCount() != plan.rows().length) {
            throw new IOException(
                "a filtered read of row group "
                    + b
                    + " of "
                    + dataFile
                    + " yields "
                    + pages.getRowCount()
                    + " rows for "
                    + plan.rows().length
                    + " asked");
          }
          return decoder.records(pages);
        }
      default:
        input.prefetchAll(plan.fetch());
        return decoder.records(reader.readRowGroup(b));
    }
  }
}
