package io.lakeshelf.content.rows;

import io.delta.kernel.types.StructField;
import io.delta.kernel.types.StructType;
import io.lakeshelf.content.RowLocator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
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
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.io.MessageColumnIO;
import org.apache.parquet.io.RecordReader;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.Type;

/**
 * Reads given rows of a Delta table straight from its Parquet data files: the join from search
 * hits back to the table.
 *
 * <p>Rows are grouped by data file; each file is opened once, its footer read, and only the row
 * groups that hold a requested row are decoded, with only the requested columns. Files are read in
 * parallel on the given executor. Values follow the table's schema: column mapping (by name or id),
 * partition values (taken from the log, not the file) and widened types are resolved; see {@link
 * ParquetValues} for the Java types. Data files are immutable, so a locator taken from an index of
 * some table version reads the row exactly as the table held it at that version.
 */
public final class RowReader {

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
      String tableLocation,
      StructType schema,
      String columnMappingMode,
      List<String> partitionColumns,
      Executor executor) {
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
    try (ParquetFileReader reader =
        ParquetFileReader.open(inputFile(uri), readOptions())) {
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
      MessageColumnIO io = new ColumnIOFactory().getColumnIO(requested, fileSchema);
      ParquetValues values = new ParquetValues(resolver);
      Map<RowLocator, Map<String, Object>> out = new HashMap<>();
      long first = 0;
      for (BlockMetaData block : reader.getRowGroups()) {
        long end = first + block.getRowCount();
        NavigableSet<Long> wanted = rows.subSet(first, true, end, false);
        if (wanted.isEmpty()) {
          reader.skipNextRowGroup();
        } else {
          PageReadStore pages = reader.readNextRowGroup();
          RecordReader<Group> records =
              io.getRecordReader(pages, new GroupRecordConverter(requested));
          long last = wanted.last();
          for (long row = first; row <= last; row++) {
            Group g = records.read();
            if (wanted.contains(row)) {
              Map<String, Object> r = new LinkedHashMap<>();
              for (StructField f : fields) {
                r.put(
                    f.getName(),
                    partitions.containsKey(f.getName())
                        ? partitions.get(f.getName())
                        : values.read(g, resolver.indexIn(requested, f), f.getDataType()));
              }
              out.put(new RowLocator(dataFile, row), r);
            }
          }
        }
        first = end;
        if (first > rows.last()) {
          break;
        }
      }
      return out;
    } catch (java.io.FileNotFoundException | java.nio.file.NoSuchFileException e) {
      // The file left the table and was deleted (VACUUM, a replaced table) after the index that
      // named it was published: its rows are no longer in the table, so none is returned.
      return Map.of();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read rows of " + uri, e);
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

  private static InputFile inputFile(URI uri) throws IOException {
    if ("file".equals(uri.getScheme())) {
      return new LocalInputFile(Path.of(uri));
    }
    throw new IOException("no reader for data files at " + uri);
  }
}
