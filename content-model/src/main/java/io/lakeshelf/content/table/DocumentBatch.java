package io.lakeshelf.content.table;

import io.delta.kernel.data.ArrayValue;
import io.delta.kernel.data.ColumnVector;
import io.delta.kernel.data.ColumnarBatch;
import io.delta.kernel.data.MapValue;
import io.delta.kernel.types.DataType;
import io.delta.kernel.types.StringType;
import io.delta.kernel.types.StructField;
import io.delta.kernel.types.StructType;
import io.lakeshelf.content.Document;
import io.lakeshelf.content.ImageAnchor;
import io.lakeshelf.content.VectorSpec;
import io.lakeshelf.content.kernel.KernelInternals;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
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
        value = d -> d.metadata().isEmpty() ? null : stringMap(d.metadata());
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

  private static MapValue stringMap(Map<String, String> map) {
    Object[] keys = map.keySet().toArray();
    Object[] values = map.values().toArray();
    ColumnVector keyVector = KernelInternals.vector(StringType.STRING, keys);
    ColumnVector valueVector = KernelInternals.vector(StringType.STRING, values);
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
