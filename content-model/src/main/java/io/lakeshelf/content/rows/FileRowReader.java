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
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.PrimitiveIterator;
import java.util.function.Function;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.io.RecordReader;

/**
 * Reads the wanted rows of one data file: its footer from {@link ParquetFooters}, per row group
 * that holds a wanted row the pages {@link PageRangePlanner} plans (fetched before Parquet's reader
 * decodes them from memory), and each record as a row by {@link RowDecoder}.
 */
final class FileRowReader {

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
    ParquetFileReader reader = file.reader();
    RowDecoder decoder =
        new RowDecoder(fileFields, reader.getFooter().getFileMetaData().getSchema(), resolver);
    reader.setRequestedSchema(decoder.requestedSchema());
    Map<RowLocator, Map<String, Object>> out = new HashMap<>();
    List<BlockMetaData> blocks = reader.getRowGroups();
    long first = 0;
    for (int b = 0; b < blocks.size() && first <= rows.last(); b++) {
      BlockMetaData block = blocks.get(b);
      long end = first + block.getRowCount();
      NavigableSet<Long> wanted = rows.subSet(first, true, end, false);
      if (!wanted.isEmpty()) {
        PageRangePlanner.Plan plan =
            PageRangePlanner.plan(
                wanted,
                first,
                block.getRowCount(),
                decoder.projected(),
                chunks(reader, block, decoder));
        RecordReader<Group> records = records(dataFile, reader, file.input(), b, plan, decoder);
        PrimitiveIterator.OfLong recordRows = plan.recordRows();
        while (recordRows.hasNext()) {
          long row = first + recordRows.nextLong();
          Group g = records == null ? null : records.read();
          if (wanted.contains(row)) {
            out.put(new RowLocator(dataFile, row), decoder.decode(g));
          }
        }
      }
      first = end;
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
