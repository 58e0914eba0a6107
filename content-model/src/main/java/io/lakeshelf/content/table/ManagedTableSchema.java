package io.lakeshelf.content.table;

import io.delta.kernel.types.ArrayType;
import io.delta.kernel.types.FloatType;
import io.delta.kernel.types.MapType;
import io.delta.kernel.types.StringType;
import io.delta.kernel.types.StructType;
import io.delta.kernel.types.TimestampType;
import io.lakeshelf.content.VectorSpec;
import java.util.List;

/**
 * The Delta schema of a table Lakeshelf creates: plain columns any Delta reader understands.
 *
 * <pre>
 * id          string not null
 * title       string
 * text        string
 * images      array&lt;struct&lt;uri, content_type, size_bytes: long, checksum, checksum_algo&gt;&gt;
 * metadata    map&lt;string, string&gt;   string metadata values; typed ones in three siblings
 * metadata_long, metadata_double, metadata_boolean   map&lt;string, bigint | double | boolean&gt;
 *                                       (see {@link TypedMetadata}; tables made before 0.2 have
 *                                       the string map only)
 * ingested_at timestamp
 * &lt;vector&gt;    array&lt;float&gt;        one column per named vector, last (tables made before
 *                                       0.1 have them before metadata; both are read alike)
 * </pre>
 */
public final class ManagedTableSchema {

  private ManagedTableSchema() {}

  public static StructType of(List<VectorSpec> vectors) {
    ContentColumns c = ContentColumns.MANAGED;
    StructType schema =
        new StructType()
            .add(c.id(), StringType.STRING, false)
            .add(c.title(), StringType.STRING, true)
            .add(c.text(), StringType.STRING, true)
            .add(c.images(), new ArrayType(ImageStruct.TYPE, true), true)
            .add(c.metadata(), new MapType(StringType.STRING, StringType.STRING, true), true);
    for (var typed : TypedMetadata.siblings(c.metadata()).entrySet()) {
      schema = schema.add(typed.getKey(), typed.getValue(), true);
    }
    schema = schema.add(c.ingestedAt(), TimestampType.TIMESTAMP, true);
    // Vectors last: the columns a search's join reads then lie side by side in each row group, so
    // their pages come in one ranged read without the (large) vector pages between them.
    for (VectorSpec v : vectors) {
      if (schema.indexOf(v.column()) >= 0 || isReserved(v.column())) {
        throw new IllegalArgumentException(
            "vector column '" + v.column() + "' clashes with another column");
      }
      schema = schema.add(v.column(), new ArrayType(FloatType.FLOAT, false), true);
    }
    return schema;
  }

  private static boolean isReserved(String column) {
    ContentColumns c = ContentColumns.MANAGED;
    return column.equals(c.metadata())
        || column.equals(c.ingestedAt())
        || TypedMetadata.siblings(c.metadata()).containsKey(column);
  }
}
