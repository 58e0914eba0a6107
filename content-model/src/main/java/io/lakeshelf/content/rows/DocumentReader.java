package io.lakeshelf.content.rows;

import io.lakeshelf.content.Document;
import io.lakeshelf.content.ImageAnchor;
import io.lakeshelf.content.RowLocator;
import io.lakeshelf.content.VectorSpec;
import io.lakeshelf.content.storage.StorageEngine;
import io.lakeshelf.content.storage.TableEngines;
import io.lakeshelf.content.table.ContentColumns;
import io.lakeshelf.content.table.ImageStruct;
import io.lakeshelf.content.table.LiveFile;
import io.lakeshelf.content.table.TableSnapshot;
import io.lakeshelf.content.table.TypedMetadata;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

/**
 * Reads rows as {@link Document}s: the table's columns mapped to roles by {@link ContentColumns}
 * and the named vectors. Keeps the partition values of every data file it has been shown, so that
 * the hot path reads no Delta log.
 */
public final class DocumentReader {

  private final RowReader rows;
  private final ContentColumns columns;
  private final List<VectorSpec> vectors;
  private final List<String> metadataColumns;
  private final Map<String, Map<String, String>> partitionValues = new ConcurrentHashMap<>();

  public DocumentReader(
      TableSnapshot snapshot, ContentColumns columns, List<VectorSpec> vectors, Executor executor) {
    this.rows =
        new RowReader(
            snapshot.engine() instanceof StorageEngine storage ? storage : TableEngines.local(),
            snapshot.location(),
            snapshot.schema(),
            snapshot.columnMappingMode(),
            snapshot.partitionColumns(),
            executor);
    this.columns = columns;
    this.vectors = List.copyOf(vectors);
    this.metadataColumns = TypedMetadata.columns(snapshot.schema(), columns.metadata());
    learnFiles(snapshot);
  }

  /** Records the partition values of a snapshot's files; call before serving locators into them. */
  public void learnFiles(TableSnapshot snapshot) {
    if (snapshot.partitionColumns().isEmpty()) {
      return;
    }
    for (LiveFile f : snapshot.liveFiles().values()) {
      partitionValues.putIfAbsent(f.path(), f.partitionValues());
    }
  }

  /** Whether this reader still fits a snapshot's schema (else a new reader is needed). */
  public boolean fits(TableSnapshot snapshot) {
    return rows.schema().equals(snapshot.schema());
  }

  public Map<RowLocator, Document> read(List<RowLocator> locators, Projection p) {
    List<String> wanted = new ArrayList<>();
    wanted.add(columns.id());
    addIf(wanted, p.title(), columns.title());
    addIf(wanted, p.text(), columns.text());
    addIf(wanted, p.images(), columns.images());
    metadataColumns.forEach(m -> addIf(wanted, p.metadata(), m));
    addIf(wanted, true, columns.ingestedAt());
    if (p.vectors()) {
      vectors.forEach(v -> addIf(wanted, true, v.column()));
    }
    p.columns().forEach(c -> addIf(wanted, true, c));
    Map<RowLocator, Map<String, Object>> raw =
        rows.read(locators, wanted, path -> partitionValues.getOrDefault(path, Map.of()));
    Map<RowLocator, Document> out = new LinkedHashMap<>();
    raw.forEach((l, r) -> out.put(l, toDocument(r, p)));
    return out;
  }

  private void addIf(List<String> wanted, boolean condition, String column) {
    if (condition
        && column != null
        && rows.schema().indexOf(column) >= 0
        && !wanted.contains(column)) {
      wanted.add(column);
    }
  }

  private Document toDocument(Map<String, Object> r, Projection p) {
    Object id = r.get(columns.id());
    Map<String, float[]> vectorValues = new TreeMap<>();
    if (p.vectors()) {
      for (VectorSpec v : vectors) {
        float[] values = floats(r.get(v.column()));
        if (values != null) {
          vectorValues.put(v.name(), values);
        }
      }
    }
    return new Document(
        id == null ? "null" : JsonValues.text(id),
        p.title() ? string(r.get(columns.title())) : null,
        p.text() ? string(r.get(columns.text())) : null,
        p.images() ? images(r.get(columns.images())) : List.of(),
        vectorValues,
        p.metadata() ? metadata(r) : null,
        r.get(columns.ingestedAt()) instanceof Instant t ? t : null,
        extraColumns(r, p));
  }

  /** A value as text, rendered as everywhere else ({@link JsonValues#text}). */
  private static String string(Object o) {
    return JsonValues.text(o);
  }

  static float[] floats(Object o) {
    if (!(o instanceof List<?> list)) {
      return null;
    }
    float[] out = new float[list.size()];
    for (int i = 0; i < out.length; i++) {
      Object x = list.get(i);
      out[i] = x instanceof Number n ? n.floatValue() : Float.NaN;
    }
    return out;
  }

  private static List<ImageAnchor> images(Object o) {
    if (!(o instanceof List<?> list)) {
      return List.of();
    }
    List<ImageAnchor> out = new ArrayList<>(list.size());
    for (Object e : list) {
      if (!(e instanceof Map<?, ?> m)
          || !(m.get(ImageStruct.URI) instanceof String uri)
          || uri.isBlank()) {
        // the images role holds array<struct<uri: string, ...>> (see ColumnRoles)
        continue;
      }
      Object size = m.get(ImageStruct.SIZE_BYTES);
      out.add(
          new ImageAnchor(
              uri,
              string(m.get(ImageStruct.CONTENT_TYPE)),
              size instanceof Number n && n.longValue() >= 0 ? n.longValue() : null,
              string(m.get(ImageStruct.CHECKSUM)),
              string(m.get(ImageStruct.CHECKSUM_ALGORITHM))));
    }
    return out;
  }

  /** The projection's columns, by name in its order, each in its JSON form. */
  private static Map<String, Object> extraColumns(Map<String, Object> r, Projection p) {
    if (p.columns().isEmpty()) {
      return Map.of();
    }
    Map<String, Object> out = new LinkedHashMap<>();
    for (String c : p.columns()) {
      out.put(c, JsonValues.json(r.get(c)));
    }
    return out;
  }

  /** Whether the table has this top-level column. */
  public boolean hasColumn(String name) {
    return rows.schema().indexOf(name) >= 0;
  }

  /** The row's metadata, or null when the table has none or every metadata map is null. */
  private Map<String, Object> metadata(Map<String, Object> r) {
    List<Object> maps = new ArrayList<>(metadataColumns.size());
    boolean any = false;
    for (String column : metadataColumns) {
      Object m = r.get(column);
      any |= m != null;
      maps.add(m);
    }
    return any ? JsonValues.metadata(maps) : null;
  }
}
