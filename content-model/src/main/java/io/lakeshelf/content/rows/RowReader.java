package io.lakeshelf.content.rows;

import io.delta.kernel.types.StructField;
import io.delta.kernel.types.StructType;
import io.lakeshelf.content.RowLocator;
import io.lakeshelf.content.storage.DataFileResolver;
import io.lakeshelf.content.storage.StorageEngine;
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

/**
 * Reads given rows of a Delta table straight from its Parquet data files: the join from search hits
 * back to the table.
 *
 * <p>Rows are grouped by data file, and files are read in parallel on the given executor. The
 * requests one file costs, on local disk and on S3 alike (each is one {@link
 * io.lakeshelf.content.storage.RangeReader} read):
 *
 * <ul>
 *   <li><b>Cold</b> (footer not cached, see {@link ParquetFooters}): one read of the file's last
 *       {@link StorageEngine#tailReadSize()} bytes, which holds the footer and, written just before
 *       it, the offset indexes; one more only if the footer or the offset indexes reach further
 *       back. The tail is then cached ({@link StorageEngine#tails()}), and its footer kept parsed.
 *   <li><b>Warm</b>: per row group that holds a wanted row, one read spanning just the pages of the
 *       requested columns that hold the wanted rows (found in the offset indexes) and their
 *       dictionary pages. Parquet's filtered row-group read then decodes those pages from memory.
 *       Files written without offset indexes cost the requested column chunks of the row group
 *       instead, still in one read ({@link PageRangePlanner}).
 * </ul>
 *
 * So a top-10 search whose hits fall in ten files costs ten reads in parallel when warm: about one
 * round trip. Values follow the table's schema: column mapping (by name or id), partition values
 * (taken from the log, not the file) and widened types are resolved; see {@link ParquetValues} for
 * the Java types. Data files are immutable, so a locator taken from an index of some table version
 * reads the row exactly as the table held it at that version.
 *
 * <p>This class groups the locators by file and fans the files out; {@link FileRowReader} reads one
 * file, {@link RowDecoder} turns its records into rows.
 */
public final class RowReader {

  private final FileRowReader files;
  private final StructType schema;
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
    Objects.requireNonNull(storage, "storage");
    this.schema = Objects.requireNonNull(schema, "schema");
    this.files =
        new FileRowReader(
            new ParquetFooters(storage),
            new DataFileResolver(tableLocation),
            ColumnResolver.forMode(columnMappingMode),
            partitionColumns);
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
        reads.add(
            CompletableFuture.completedFuture(
                files.read(e.getKey(), e.getValue(), fields, partitionValues)));
      } else {
        reads.add(
            CompletableFuture.supplyAsync(
                () -> files.read(e.getKey(), e.getValue(), fields, partitionValues), executor));
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
}
