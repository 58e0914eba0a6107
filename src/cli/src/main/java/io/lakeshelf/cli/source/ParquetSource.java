package io.lakeshelf.cli.source;

import io.lakeshelf.cli.client.ServiceClient;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.convert.GroupRecordConverter;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.io.RecordReader;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.DateLogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.DecimalLogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.IntLogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.ListLogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.MapKeyValueTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.MapLogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.TimestampLogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.UUIDLogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * A Parquet file whose top-level columns are named like the ingest document's fields: {@code id} (a
 * string, or an integer sent as its digits), {@code title}, {@code text}, {@code images} (a list of
 * structs with {@code uri}, {@code contentType}, {@code sizeBytes}, {@code checksum}, {@code
 * checksumAlgorithm}), {@code vectors} (a struct with one list of float or double per named vector)
 * and {@code metadata} (a map from string keys, or a struct, of scalar values). Other columns are
 * not read. Each row becomes the JSON the ingest API takes: lists as arrays, maps and structs as
 * objects (nulls left out of objects), strings, numbers and booleans as themselves, decimals as
 * exact strings, dates and timestamps as ISO-8601 strings, other binary as base64. Read one row
 * group at a time (only the document's columns); the position is the row index, and opening at one
 * skips whole row groups by the footer's row counts.
 */
final class ParquetSource implements DocumentSource {

  /** The document's fields, as columns. */
  static final Set<String> FIELDS = Set.of("id", "title", "text", "images", "vectors", "metadata");

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private final ParquetFileReader reader;
  private final MessageType fileSchema;
  private final MessageType projection;
  private final long totalRows;
  private final List<String> ignored;
  private RecordReader<Group> records;
  private long rowsLeftInGroup;
  private long position;

  private ParquetSource(
      ParquetFileReader reader,
      MessageType fileSchema,
      MessageType projection,
      List<String> ignored)
      throws IOException {
    this.reader = reader;
    this.fileSchema = fileSchema;
    this.projection = projection;
    this.ignored = ignored;
    this.totalRows = reader.getRecordCount();
  }

  static ParquetSource open(Path file, long position) throws IOException {
    ParquetFileReader reader;
    try {
      reader = ParquetFileReader.open(new LocalInputFile(file));
    } catch (RuntimeException | IOException e) {
      throw new InputException(
          file + " is not a readable Parquet file (" + e.getMessage() + ")", e);
    }
    try {
      MessageType schema = reader.getFooter().getFileMetaData().getSchema();
      List<Type> read = new ArrayList<>();
      List<String> ignored = new ArrayList<>();
      for (Type t : schema.getFields()) {
        if (FIELDS.contains(t.getName())) {
          read.add(t);
        } else {
          ignored.add(t.getName());
        }
      }
      if (!schema.containsField("id")) {
        throw new InputException(
            file
                + " has no column 'id' (its columns: "
                + schema.getFields().stream().map(Type::getName).toList()
                + ")");
      }
      MessageType projection = new MessageType(schema.getName(), read);
      reader.setRequestedSchema(projection);
      ParquetSource source = new ParquetSource(reader, schema, projection, ignored);
      source.skipTo(position);
      return source;
    } catch (IOException | RuntimeException e) {
      reader.close();
      throw e;
    }
  }

  private void skipTo(long target) throws IOException {
    List<BlockMetaData> groups = reader.getRowGroups();
    int g = 0;
    while (g < groups.size() && position + groups.get(g).getRowCount() <= target) {
      position += groups.get(g).getRowCount();
      reader.skipNextRowGroup();
      g++;
    }
    while (position < target && nextRecord() != null) {
      position++;
    }
  }

  @Override
  public long totalRows() {
    return totalRows;
  }

  @Override
  public String format() {
    return "parquet";
  }

  @Override
  public long position() {
    return position;
  }

  @Override
  public List<String> ignoredColumns() {
    return ignored;
  }

  private Group nextRecord() throws IOException {
    while (rowsLeftInGroup == 0) {
      PageReadStore pages = reader.readNextRowGroup();
      if (pages == null) {
        return null;
      }
      rowsLeftInGroup = pages.getRowCount();
      records =
          new ColumnIOFactory()
              .getColumnIO(projection, fileSchema)
              .getRecordReader(pages, new GroupRecordConverter(projection));
    }
    rowsLeftInGroup--;
    return records.read();
  }

  @Override
  public Row next() throws IOException {
    Group g = nextRecord();
    if (g == null) {
      return null;
    }
    String where = "row " + position;
    position++;
    ObjectNode doc;
    try {
      doc = struct(g, projection);
    } catch (InputException e) {
      throw new InputException(where + ": " + e.getMessage(), e);
    }
    JsonNode id = doc.get("id");
    if (id != null && id.isNumber()) {
      doc.put("id", id.asString());
    }
    JsonNode idNode = doc.get("id");
    return new Row(
        ServiceClient.JSON.writeValueAsBytes(doc),
        idNode != null && idNode.isString() ? idNode.asString() : null,
        where);
  }

  private static ObjectNode struct(Group g, GroupType type) throws InputException {
    ObjectNode out = NODES.objectNode();
    for (int i = 0; i < type.getFieldCount(); i++) {
      Type field = type.getType(i);
      int count = g.getFieldRepetitionCount(i);
      if (field.isRepetition(Type.Repetition.REPEATED)) {
        ArrayNode array = out.putArray(field.getName());
        for (int j = 0; j < count; j++) {
          array.add(value(g, i, j, field));
        }
      } else if (count > 0) {
        out.set(field.getName(), value(g, i, 0, field));
      }
    }
    return out;
  }

  private static JsonNode value(Group g, int field, int index, Type type) throws InputException {
    if (type.isPrimitive()) {
      return primitive(g, field, index, type.asPrimitiveType());
    }
    Group child = g.getGroup(field, index);
    GroupType t = type.asGroupType();
    LogicalTypeAnnotation a = t.getLogicalTypeAnnotation();
    if (a instanceof ListLogicalTypeAnnotation && t.getFieldCount() == 1) {
      return list(child, t);
    }
    if ((a instanceof MapLogicalTypeAnnotation || a instanceof MapKeyValueTypeAnnotation)
        && t.getFieldCount() == 1) {
      return map(child, t);
    }
    return struct(child, t);
  }

  /**
   * A LIST: three levels (list of element) or the older two (the repeated field is the element).
   */
  private static JsonNode list(Group g, GroupType t) throws InputException {
    Type repeated = t.getType(0);
    boolean twoLevels =
        repeated.isPrimitive()
            || repeated.asGroupType().getFieldCount() > 1
            || repeated.getName().equals("array")
            || repeated.getName().endsWith("_tuple");
    ArrayNode out = NODES.arrayNode();
    for (int j = 0; j < g.getFieldRepetitionCount(0); j++) {
      if (twoLevels) {
        out.add(value(g, 0, j, repeated));
      } else {
        Group wrapper = g.getGroup(0, j);
        out.add(
            wrapper.getFieldRepetitionCount(0) == 0
                ? NODES.nullNode()
                : value(wrapper, 0, 0, repeated.asGroupType().getType(0)));
      }
    }
    return out;
  }

  /** A MAP: an object of its keys' text; entries with a null value are left out. */
  private static JsonNode map(Group g, GroupType t) throws InputException {
    GroupType entry = t.getType(0).asGroupType();
    ObjectNode out = NODES.objectNode();
    for (int j = 0; j < g.getFieldRepetitionCount(0); j++) {
      Group kv = g.getGroup(0, j);
      if (kv.getFieldRepetitionCount(0) == 0 || entry.getFieldCount() < 2) {
        continue;
      }
      String key = value(kv, 0, 0, entry.getType(0)).asString();
      if (kv.getFieldRepetitionCount(1) > 0) {
        out.set(key, value(kv, 1, 0, entry.getType(1)));
      }
    }
    return out;
  }

  private static JsonNode primitive(Group g, int field, int index, PrimitiveType type)
      throws InputException {
    LogicalTypeAnnotation a = type.getLogicalTypeAnnotation();
    switch (type.getPrimitiveTypeName()) {
      case BOOLEAN:
        return NODES.booleanNode(g.getBoolean(field, index));
      case FLOAT:
        return NODES.numberNode(g.getFloat(field, index));
      case DOUBLE:
        return NODES.numberNode(g.getDouble(field, index));
      case INT32:
        {
          int v = g.getInteger(field, index);
          if (a instanceof DecimalLogicalTypeAnnotation d) {
            return NODES.stringNode(BigDecimal.valueOf(v, d.getScale()).toPlainString());
          }
          if (a instanceof DateLogicalTypeAnnotation) {
            return NODES.stringNode(LocalDate.ofEpochDay(v).toString());
          }
          if (a instanceof IntLogicalTypeAnnotation i && !i.isSigned()) {
            return NODES.numberNode(Integer.toUnsignedLong(v));
          }
          return NODES.numberNode(v);
        }
      case INT64:
        {
          long v = g.getLong(field, index);
          if (a instanceof DecimalLogicalTypeAnnotation d) {
            return NODES.stringNode(BigDecimal.valueOf(v, d.getScale()).toPlainString());
          }
          if (a instanceof TimestampLogicalTypeAnnotation ts) {
            Instant instant =
                switch (ts.getUnit()) {
                  case MILLIS -> Instant.ofEpochMilli(v);
                  case MICROS ->
                      Instant.ofEpochSecond(
                          Math.floorDiv(v, 1_000_000L), Math.floorMod(v, 1_000_000L) * 1000L);
                  case NANOS ->
                      Instant.ofEpochSecond(
                          Math.floorDiv(v, 1_000_000_000L), Math.floorMod(v, 1_000_000_000L));
                };
            return NODES.stringNode(
                ts.isAdjustedToUTC()
                    ? instant.toString()
                    : instant.atOffset(ZoneOffset.UTC).toLocalDateTime().toString());
          }
          if (a instanceof IntLogicalTypeAnnotation i && !i.isSigned()) {
            return NODES.numberNode(new BigInteger(Long.toUnsignedString(v)));
          }
          return NODES.numberNode(v);
        }
      case BINARY:
      case FIXED_LEN_BYTE_ARRAY:
        {
          byte[] bytes = g.getBinary(field, index).getBytes();
          if (a instanceof DecimalLogicalTypeAnnotation d) {
            return NODES.stringNode(
                new BigDecimal(new BigInteger(bytes), d.getScale()).toPlainString());
          }
          if (a instanceof UUIDLogicalTypeAnnotation && bytes.length == 16) {
            java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(bytes);
            return NODES.stringNode(new UUID(b.getLong(), b.getLong()).toString());
          }
          if (a instanceof LogicalTypeAnnotation.StringLogicalTypeAnnotation
              || a instanceof LogicalTypeAnnotation.EnumLogicalTypeAnnotation
              || a instanceof LogicalTypeAnnotation.JsonLogicalTypeAnnotation) {
            return NODES.stringNode(g.getString(field, index));
          }
          return NODES.stringNode(Base64.getEncoder().encodeToString(bytes));
        }
      default:
        throw new InputException(
            "column '"
                + type.getName()
                + "' is "
                + type.getPrimitiveTypeName()
                + ", which has no JSON form here (write timestamps as INT64 TIMESTAMP)");
    }
  }

  @Override
  public void close() throws IOException {
    reader.close();
  }
}
