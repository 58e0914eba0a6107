package io.lakeshelf.content.table;

import io.delta.kernel.data.ArrayValue;
import io.delta.kernel.data.ColumnVector;
import io.delta.kernel.data.ColumnarBatch;
import io.delta.kernel.data.MapValue;
import io.delta.kernel.types.DataType;
import io.delta.kernel.types.DoubleType;
import io.delta.kernel.types.LongType;
import io.delta.kernel.types.MapType;
import io.delta.kernel.types.StringType;
import io.delta.kernel.types.StructField;
import io.delta.kernel.types.StructType;
import io.lakeshelf.content.Document;
import io.lakeshelf.content.ImageAnchor;
import io.lakeshelf.content.VectorSpec;
import io.lakeshelf.content.kernel.KernelInternals;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** Turns documents into a Kernel columnar batch in a managed table's schema. */
final class DocumentBatch {

  private DocumentBatch() {}

  static ColumnarBatch of(List<Document> docs, StructType schema, List<VectorSpec> vectors) {
    ContentColumns c = ContentColumns.MANAGED;
    Map<String, VectorSpec> byColumn = new HashMap<>();
    for (VectorSpec v : vectors) {
      byColumn.put(v.column(), v);
    }
    boolean typed = TypedMetadata.isTyped(schema, c.metadata());
    Map<String, MapType> siblings = TypedMetadata.siblings(c.metadata());
    ColumnVector[] columns = new ColumnVector[schema.length()];
    for (int i = 0; i < schema.length(); i++) {
      StructField field = schema.at(i);
      String name = field.getName();
      DataType type = field.getDataType();
      Function<Document, Object> value;
      if (name.equals(c.id())) {
        value = Document::id;
      } else if (name.equals(c.title())) {
        value = Document::title;
      } else if (name.equals(c.text())) {
        value = Document::text;
      } else if (name.equals(c.images())) {
        value = d -> images(d.images());
      } else if (name.equals(c.metadata())) {
        value = d -> metadataMap(d.metadata(), String.class, typed, StringType.STRING);
      } else if (typed && siblings.containsKey(name)) {
        DataType valueType = siblings.get(name).getValueType();
        Class<?> javaType =
            valueType instanceof LongType
                ? Long.class
                : valueType instanceof DoubleType ? Double.class : Boolean.class;
        value = d -> metadataMap(d.metadata(), javaType, true, valueType);
      } else if (name.equals(c.ingestedAt())) {
        value = d -> d.ingestedAt() == null ? null : micros(d.ingestedAt());
      } else if (byColumn.containsKey(name)) {
        String vectorName = byColumn.get(name).name();
        value = d -> floats(d.vectors().get(vectorName));
      } else {
        value = d -> null;
      }
      Object[] cells = new Object[docs.size()];
      for (int row = 0; row < cells.length; row++) {
        cells[row] = value.apply(docs.get(row));
      }
      columns[i] = KernelInternals.vector(type, cells);
    }
    return KernelInternals.batch(docs.size(), schema, columns);
  }

  private static long micros(Instant time) {
    return ChronoUnit.MICROS.between(Instant.EPOCH, time);
  }

  private static ArrayValue floats(float[] values) {
    if (values == null) {
      return null;
    }
    return arrayOf(new FloatArrayVector(values));
  }

  private static ArrayValue arrayOf(ColumnVector elements) {
    return new ArrayValue() {
      @Override
      public int getSize() {
        return elements.getSize();
      }

      @Override
      public ColumnVector getElements() {
        return elements;
      }
    };
  }

  private static ArrayValue images(List<ImageAnchor> anchors) {
    Object[] rows = new Object[anchors.size()];
    for (int i = 0; i < rows.length; i++) {
      ImageAnchor a = anchors.get(i);
      Map<Integer, Object> values = new HashMap<>();
      values.put(0, a.uri());
      values.put(1, a.contentType());
      values.put(2, a.sizeBytes());
      values.put(3, a.checksum());
      values.put(4, a.checksumAlgorithm());
      rows[i] = KernelInternals.struct(ImageStruct.TYPE, values);
    }
    return arrayOf(KernelInternals.vector(ImageStruct.TYPE, rows));
  }

  /**
   * The entries of a document's metadata whose values are of {@code javaType}, as a map of {@code
   * valueType}; null when there are none. A table without typed maps ({@code typed} false) holds
   * every value in its string map, as its text.
   */
  private static MapValue metadataMap(
      Map<String, Object> metadata, Class<?> javaType, boolean typed, DataType valueType) {
    List<Object> keys = new ArrayList<>();
    List<Object> values = new ArrayList<>();
    metadata.forEach(
        (k, v) -> {
          Object normalized = TypedMetadata.normalize(v);
          if (javaType.isInstance(normalized)) {
            keys.add(k);
            values.add(normalized);
          } else if (!typed) {
            keys.add(k);
            values.add(normalized.toString());
          }
        });
    return keys.isEmpty() ? null : mapOf(keys.toArray(), values.toArray(), valueType);
  }

  private static MapValue mapOf(Object[] keys, Object[] values, DataType valueType) {
    ColumnVector keyVector = KernelInternals.vector(StringType.STRING, keys);
    ColumnVector valueVector = KernelInternals.vector(valueType, values);
    return new MapValue() {
      @Override
      public int getSize() {
        return keys.length;
      }

      @Override
      public ColumnVector getKeys() {
        return keyVector;
      }

      @Override
      public ColumnVector getValues() {
        return valueVector;
      }
    };
  }
}
