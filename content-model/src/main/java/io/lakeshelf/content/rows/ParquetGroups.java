package io.lakeshelf.content.rows;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;

/**
 * Reads values out of parquet-mr example {@link Group}s, following the Parquet format's rules for
 * LIST and MAP (standard three-level lists and the two-level forms older writers produce).
 */
final class ParquetGroups {

  private static final long JULIAN_EPOCH_DAY = 2_440_588L;
  private static final long MICROS_PER_DAY = 86_400_000_000L;

  private ParquetGroups() {}

  static boolean has(Group g, String field) {
    return g.getType().containsField(field) && g.getFieldRepetitionCount(field) > 0;
  }

  static String string(Group g, String field) {
    return has(g, field) ? g.getString(field, 0) : null;
  }

  static Long longValue(Group g, String field) {
    if (!has(g, field)) {
      return null;
    }
    PrimitiveType type = g.getType().getType(field).asPrimitiveType();
    return switch (type.getPrimitiveTypeName()) {
      case INT32 -> (long) g.getInteger(field, 0);
      default -> g.getLong(field, 0);
    };
  }

  static Instant timestamp(Group g, String field) {
    if (!has(g, field)) {
      return null;
    }
    PrimitiveType type = g.getType().getType(field).asPrimitiveType();
    if (type.getPrimitiveTypeName() == PrimitiveType.PrimitiveTypeName.INT96) {
      Binary b = g.getInt96(field, 0);
      java.nio.ByteBuffer buf = b.toByteBuffer().order(java.nio.ByteOrder.LITTLE_ENDIAN);
      long nanosOfDay = buf.getLong();
      long julianDay = Integer.toUnsignedLong(buf.getInt());
      long micros = (julianDay - JULIAN_EPOCH_DAY) * MICROS_PER_DAY + nanosOfDay / 1000;
      return micros(micros);
    }
    long value = g.getLong(field, 0);
    if (type.getLogicalTypeAnnotation()
        instanceof LogicalTypeAnnotation.TimestampLogicalTypeAnnotation ts) {
      return switch (ts.getUnit()) {
        case MILLIS -> Instant.ofEpochMilli(value);
        case MICROS -> micros(value);
        case NANOS -> Instant.ofEpochSecond(0, value);
      };
    }
    return micros(value);
  }

  private static Instant micros(long micros) {
    return Instant.ofEpochSecond(
        Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000L);
  }

  /**
   * The elements of a LIST field: each is a {@link Group} for struct elements, or the group that
   * holds the primitive element (read it with {@link #element}); null for null elements.
   */
  static List<Group> listElements(Group g, String field) {
    if (!has(g, field)) {
      return null;
    }
    Group list = g.getGroup(field, 0);
    GroupType listType = list.getType();
    if (listType.getFieldCount() != 1) {
      throw new IllegalStateException("LIST field " + field + " has " + listType.getFieldCount());
    }
    Type repeated = listType.getType(0);
    int n = list.getFieldRepetitionCount(0);
    List<Group> out = new ArrayList<>(n);
    boolean threeLevel =
        !repeated.isPrimitive()
            && repeated.asGroupType().getFieldCount() == 1
            && !repeated.getName().equals("array")
            && !repeated.getName().endsWith("_tuple");
    for (int i = 0; i < n; i++) {
      if (repeated.isPrimitive()) {
        out.add(list); // two-level list of primitives: caller reads index i of field 0
        continue;
      }
      Group rep = list.getGroup(0, i);
      if (threeLevel) {
        Type element = rep.getType().getType(0);
        if (rep.getFieldRepetitionCount(0) == 0) {
          out.add(null);
        } else if (element.isPrimitive()) {
          out.add(rep);
        } else {
          out.add(rep.getGroup(0, 0));
        }
      } else {
        out.add(rep);
      }
    }
    return out;
  }

  /** A float[] from a LIST of floats (or doubles), or null when the field is null. */
  static float[] floats(Group g, String field) {
    if (!has(g, field)) {
      return null;
    }
    Group list = g.getGroup(field, 0);
    Type repeated = list.getType().getType(0);
    int n = list.getFieldRepetitionCount(0);
    float[] out = new float[n];
    for (int i = 0; i < n; i++) {
      if (repeated.isPrimitive()) {
        out[i] = floatAt(list, 0, i, repeated.asPrimitiveType());
      } else {
        Group rep = list.getGroup(0, i);
        if (rep.getFieldRepetitionCount(0) == 0) {
          out[i] = Float.NaN; // a null element: callers treat a non-finite vector as unusable
        } else {
          out[i] = floatAt(rep, 0, 0, rep.getType().getType(0).asPrimitiveType());
        }
      }
    }
    return out;
  }

  private static float floatAt(Group g, int field, int index, PrimitiveType type) {
    return switch (type.getPrimitiveTypeName()) {
      case DOUBLE -> (float) g.getDouble(field, index);
      default -> g.getFloat(field, index);
    };
  }

  /** A string-to-string MAP field, or null. */
  static Map<String, String> stringMap(Group g, String field) {
    if (!has(g, field)) {
      return null;
    }
    Group map = g.getGroup(field, 0);
    int n = map.getFieldRepetitionCount(0);
    Map<String, String> out = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      Group kv = map.getGroup(0, i);
      String key = kv.getString(0, 0);
      String value = kv.getType().getFieldCount() > 1 && kv.getFieldRepetitionCount(1) > 0
          ? kv.getString(1, 0)
          : null;
      out.put(key, value);
    }
    return out;
  }
}
