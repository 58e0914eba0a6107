package io.lakeshelf.content.rows;

import io.delta.kernel.types.StructField;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.convert.GroupRecordConverter;
import org.apache.parquet.hadoop.metadata.ColumnPath;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.MessageColumnIO;
import org.apache.parquet.io.RecordReader;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.Type;

/**
 * Turns the Parquet records of one data file into rows of the table: each row maps the requested
 * column names to values of the table's types ({@link ParquetValues}). Data columns are found in
 * the file by the table's column mapping mode; partition columns take the file's partition values
 * from the log, not the file; a column the file does not have reads as null.
 */
final class RowDecoder {

  private final List<StructField> fields;
  private final Map<String, Object> partitions;
  private final ColumnResolver resolver;
  private final MessageType requested;
  private final boolean projected;
  private final Set<ColumnPath> paths = new HashSet<>();
  private final MessageColumnIO io;
  private final ParquetValues values;

  /**
   * The requested fields of one data file, split into the partition columns (their values, parsed)
   * and the data columns the file holds.
   */
  record FileFields(
      List<StructField> fields, Map<String, Object> partitions, List<StructField> dataFields) {

    /**
     * @param partitionColumns the table's partition columns
     * @param partitionValues the file's partition values, as its add action holds them (keyed by
     *     physical or logical column name), asked for only if a partition column is requested
     */
    static FileFields of(
        List<StructField> fields,
        List<String> partitionColumns,
        String dataFile,
        Function<String, Map<String, String>> partitionValues) {
      Map<String, Object> partitions = new HashMap<>();
      List<StructField> dataFields = new ArrayList<>();
      for (StructField f : fields) {
        if (isPartitionColumn(partitionColumns, f.getName())) {
          Map<String, String> values = partitionValues.apply(dataFile);
          partitions.put(
              f.getName(), PartitionValues.parse(partitionValue(values, f), f.getDataType()));
        } else {
          dataFields.add(f);
        }
      }
      return new FileFields(fields, partitions, dataFields);
    }
  }

  /** A decoder for records of a file of this schema. */
  RowDecoder(FileFields fileFields, MessageType fileSchema, ColumnResolver resolver) {
    this.fields = fileFields.fields();
    this.partitions = fileFields.partitions();
    this.resolver = resolver;
    List<Type> requestedFields = new ArrayList<>();
    for (StructField f : fileFields.dataFields()) {
      int i = resolver.indexIn(fileSchema, f);
      if (i >= 0) {
        requestedFields.add(fileSchema.getType(i));
      }
    }
    this.projected = !requestedFields.isEmpty();
    this.requested = new MessageType(fileSchema.getName(), requestedFields);
    for (ColumnDescriptor c : requested.getColumns()) {
      paths.add(ColumnPath.get(c.getPath()));
    }
    this.io = new ColumnIOFactory().getColumnIO(requested, fileSchema);
    this.values = new ParquetValues(resolver);
  }

  /** The file's columns to read: the requested data columns the file has. */
  MessageType requestedSchema() {
    return requested;
  }

  /** Whether any column is read from the file (else every value comes from the log or is null). */
  boolean projected() {
    return projected;
  }

  /** Whether this column chunk belongs to a requested column. */
  boolean reads(ColumnPath path) {
    return paths.contains(path);
  }

  /** The records of these pages (of the requested columns). */
  RecordReader<Group> records(PageReadStore pages) {
    return io.getRecordReader(pages, new GroupRecordConverter(requested));
  }

  /** One row: each requested column's value, in the order requested; {@code g} null reads none. */
  Map<String, Object> decode(Group g) {
    Map<String, Object> r = new LinkedHashMap<>();
    for (StructField f : fields) {
      r.put(
          f.getName(),
          partitions.containsKey(f.getName())
              ? partitions.get(f.getName())
              : g == null ? null : values.read(g, resolver.indexIn(requested, f), f.getDataType()));
    }
    return r;
  }

  private static boolean isPartitionColumn(List<String> partitionColumns, String name) {
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
