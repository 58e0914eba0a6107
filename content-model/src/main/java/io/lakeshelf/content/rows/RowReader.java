package io.lakeshelf.content.rows;

import io.delta.kernel.types.ArrayType;
import io.delta.kernel.types.DataType;
import io.delta.kernel.types.StructField;
import io.delta.kernel.types.StructType;
import io.lakeshelf.content.Document;
import io.lakeshelf.content.ImageAnchor;
import io.lakeshelf.content.RowLocator;
import io.lakeshelf.content.VectorSpec;
import io.lakeshelf.content.table.ContentColumns;
import io.lakeshelf.content.table.ImageStruct;
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
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
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
 * Reads given rows of a content table straight from its Parquet data files: the join from search
 * hits back to the table.
 *
 * <p>Rows are grouped by data file; each file is opened once, its footer read, and only the row
 * groups that hold a requested row are read, with only the requested columns. Files are read in
 * parallel on the given executor. Rows are addressed by {@link RowLocator}s taken from an index of
 * a given table version; data files are immutable, so a locator reads the row exactly as the table
 * held it at that version.
 */
public final class RowReader {

  private static final String PHYSICAL_NAME = "delta.columnMapping.physicalName";

  private final DataFileResolver files;
  private final ContentColumns columns;
  private final List<VectorSpec> vectors;
  private final Executor executor;
  private final Map<String, String> physical = new HashMap<>();
  private final Map<String, String> imagePhysical = new HashMap<>();

  /**
   * @param tableLocation the table root
   * @param schema the table's logical schema (its column-mapping metadata gives physical names)
   */
  public RowReader(
      String tableLocation,
      StructType schema,
      ContentColumns columns,
      List<VectorSpec> vectors,
      Executor executor) {
    this.files = new DataFileResolver(tableLocation);
    this.columns = Objects.requireNonNull(columns, "columns");
    this.vectors = List.copyOf(vectors);
    this.executor = Objects.requireNonNull(executor, "executor");
    for (StructField f : schema.fields()) {
      physical.put(f.getName(), physicalName(f));
      if (f.getName().equals(columns.images())
          && f.getDataType() instanceof ArrayType array
          && array.getElementType() instanceof StructType struct) {
        for (StructField sf : struct.fields()) {
          imagePhysical.put(sf.getName(), physicalName(sf));
        }
      }
    }
  }

  private static String physicalName(StructField f) {
    return f.getMetadata().contains(PHYSICAL_NAME)
        ? f.getMetadata().getString(PHYSICAL_NAME)
        : f.getName();
  }

  /**
   * Reads the rows at these locators. The answer maps each locator to its document; a locator
   * past the end of its file is left out.
   */
  public Map<RowLocator, Document> read(List<RowLocator> locators, Projection projection) {
    Map<String, NavigableSet<Long>> byFile = new LinkedHashMap<>();
    for (RowLocator l : locators) {
      byFile.computeIfAbsent(l.dataFile(), f -> new TreeSet<>()).add(l.rowIndex());
    }
    List<CompletableFuture<Map<RowLocator, Document>>> reads = new ArrayList<>();
    for (Map.Entry<String, NavigableSet<Long>> e : byFile.entrySet()) {
      if (byFile.size() == 1) {
        reads.add(CompletableFuture.completedFuture(readFile(e.getKey(), e.getValue(), projection)));
      } else {
        reads.add(
            CompletableFuture.supplyAsync(
                () -> readFile(e.getKey(), e.getValue(), projection), executor));
      }
    }
    Map<RowLocator, Document> out = new HashMap<>();
    try {
      for (CompletableFuture<Map<RowLocator, Document>> read : reads) {
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

  private Map<RowLocator, Document> readFile(
      String dataFile, NavigableSet<Long> rows, Projection projection) {
    URI uri = files.resolve(dataFile);
    try (ParquetFileReader reader =
        ParquetFileReader.open(inputFile(uri), ParquetReadOptions.builder().build())) {
      MessageType fileSchema = reader.getFooter().getFileMetaData().getSchema();
      MessageType requested = requestedSchema(fileSchema, projection);
      reader.setRequestedSchema(requested);
      MessageColumnIO io = new ColumnIOFactory().getColumnIO(requested, fileSchema);
      Map<RowLocator, Document> out = new HashMap<>();
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
              out.put(new RowLocator(dataFile, row), toDocument(g, projection));
            }
          }
        }
        first = end;
        if (first > rows.last()) {
          break;
        }
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read rows of " + uri, e);
    }
  }

  private static InputFile inputFile(URI uri) throws IOException {
    if ("file".equals(uri.getScheme())) {
      return new LocalInputFile(Path.of(uri));
    }
    throw new IOException("no reader for data files at " + uri);
  }

  private MessageType requestedSchema(MessageType fileSchema, Projection p) {
    List<String> wanted = new ArrayList<>();
    wanted.add(columns.id());
    if (p.title()) wanted.add(columns.title());
    if (p.text()) wanted.add(columns.text());
    if (p.images()) wanted.add(columns.images());
    if (p.metadata()) wanted.add(columns.metadata());
    wanted.add(columns.ingestedAt());
    if (p.vectors()) vectors.forEach(v -> wanted.add(v.column()));
    List<Type> fields = new ArrayList<>();
    for (String logical : wanted) {
      String name = logical == null ? null : physical.get(logical);
      if (name != null && fileSchema.containsField(name)) {
        fields.add(fileSchema.getType(name));
      }
    }
    return new MessageType(fileSchema.getName(), fields);
  }

  private Document toDocument(Group g, Projection p) {
    String id = ParquetGroups.string(g, physical.get(columns.id()));
    String title = p.title() ? stringColumn(g, columns.title()) : null;
    String text = p.text() ? stringColumn(g, columns.text()) : null;
    List<ImageAnchor> images = p.images() ? images(g) : List.of();
    Map<String, String> metadata = null;
    if (p.metadata() && columns.metadata() != null && physical.containsKey(columns.metadata())) {
      metadata = ParquetGroups.stringMap(g, physical.get(columns.metadata()));
    }
    Map<String, float[]> vectorValues = new TreeMap<>();
    if (p.vectors()) {
      for (VectorSpec v : vectors) {
        float[] values = ParquetGroups.floats(g, physical.get(v.column()));
        if (values != null) {
          vectorValues.put(v.name(), values);
        }
      }
    }
    java.time.Instant ingestedAt =
        columns.ingestedAt() != null && physical.containsKey(columns.ingestedAt())
            ? ParquetGroups.timestamp(g, physical.get(columns.ingestedAt()))
            : null;
    return new Document(id, title, text, images, vectorValues, metadata, ingestedAt);
  }

  private String stringColumn(Group g, String logical) {
    if (logical == null || !physical.containsKey(logical)) {
      return null;
    }
    return ParquetGroups.string(g, physical.get(logical));
  }

  private List<ImageAnchor> images(Group g) {
    if (columns.images() == null || !physical.containsKey(columns.images())) {
      return List.of();
    }
    List<Group> elements = ParquetGroups.listElements(g, physical.get(columns.images()));
    if (elements == null) {
      return List.of();
    }
    List<ImageAnchor> out = new ArrayList<>(elements.size());
    for (Group e : elements) {
      if (e == null) {
        continue;
      }
      String uri = ParquetGroups.string(e, image(ImageStruct.URI));
      if (uri == null || uri.isBlank()) {
        continue;
      }
      out.add(
          new ImageAnchor(
              uri,
              ParquetGroups.string(e, image(ImageStruct.CONTENT_TYPE)),
              ParquetGroups.longValue(e, image(ImageStruct.SIZE_BYTES)),
              ParquetGroups.string(e, image(ImageStruct.CHECKSUM)),
              ParquetGroups.string(e, image(ImageStruct.CHECKSUM_ALGORITHM))));
    }
    return out;
  }

  private String image(String field) {
    return imagePhysical.getOrDefault(field, field);
  }

}
