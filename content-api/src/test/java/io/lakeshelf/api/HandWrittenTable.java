package io.lakeshelf.api;

import io.delta.kernel.types.ArrayType;
import io.delta.kernel.types.BinaryType;
import io.delta.kernel.types.BooleanType;
import io.delta.kernel.types.DateType;
import io.delta.kernel.types.DecimalType;
import io.delta.kernel.types.DoubleType;
import io.delta.kernel.types.FloatType;
import io.delta.kernel.types.IntegerType;
import io.delta.kernel.types.LongType;
import io.delta.kernel.types.MapType;
import io.delta.kernel.types.StringType;
import io.delta.kernel.types.StructType;
import io.delta.kernel.types.TimestampType;
import io.lakeshelf.content.table.ImageStruct;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;

/**
 * A Delta table written by hand, as another writer might: a {@code _delta_log} of JSON commits
 * (protocol 1/2, no column mapping) whose add actions carry <b>no statistics</b>, and Parquet files
 * written with parquet-mr. Its columns cover the types a content table may meet.
 */
final class HandWrittenTable {

  /** The Delta schema: one column of each type the role checks meet. */
  static final StructType SCHEMA =
      new StructType()
          .add("doc_id", StringType.STRING, false)
          .add("title", StringType.STRING, true)
          .add("body", StringType.STRING, true)
          .add("n_int", IntegerType.INTEGER, true)
          .add("n_long", LongType.LONG, true)
          .add("n_dec", new DecimalType(10, 2), true)
          .add("ts", TimestampType.TIMESTAMP, true)
          .add("day", DateType.DATE, true)
          .add("raw", BinaryType.BINARY, true)
          .add("flag", BooleanType.BOOLEAN, true)
          .add("tags", new ArrayType(StringType.STRING, true), true)
          .add("attrs", new MapType(StringType.STRING, StringType.STRING, true), true)
          .add("counts", new MapType(StringType.STRING, IntegerType.INTEGER, true), true)
          .add(
              "info",
              new StructType()
                  .add("a", StringType.STRING, true)
                  .add("b", IntegerType.INTEGER, true),
              true)
          .add("emb", new ArrayType(FloatType.FLOAT, true), true)
          .add("emb_d", new ArrayType(DoubleType.DOUBLE, true), true)
          .add("images", new ArrayType(ImageStruct.TYPE, true), true)
          .add("blobs", new MapType(StringType.STRING, BinaryType.BINARY, true), true)
          .add("amounts", new MapType(StringType.STRING, new DecimalType(10, 2), true), true)
          .add("times", new MapType(StringType.STRING, TimestampType.TIMESTAMP, true), true)
          .add("days", new MapType(StringType.STRING, DateType.DATE, true), true)
          .add(
              "nested",
              new MapType(StringType.STRING, new ArrayType(StringType.STRING, true), true),
              true)
          .add("by_number", new MapType(IntegerType.INTEGER, StringType.STRING, true), true)
          .add(
              "no_uri",
              new ArrayType(new StructType().add("a", StringType.STRING, true), true),
              true);

  static final MessageType PARQUET =
      MessageTypeParser.parseMessageType(
          """
          message spark_schema {
            required binary doc_id (STRING);
            optional binary title (STRING);
            optional binary body (STRING);
            optional int32 n_int;
            optional int64 n_long;
            optional int64 n_dec (DECIMAL(10,2));
            optional int64 ts (TIMESTAMP(MICROS,true));
            optional int32 day (DATE);
            optional binary raw;
            optional boolean flag;
            optional group tags (LIST) { repeated group list { optional binary element (STRING); } }
            optional group attrs (MAP) { repeated group key_value { required binary key (STRING); optional binary value (STRING); } }
            optional group counts (MAP) { repeated group key_value { required binary key (STRING); optional int32 value; } }
            optional group info { optional binary a (STRING); optional int32 b; }
            optional group emb (LIST) { repeated group list { optional float element; } }
            optional group emb_d (LIST) { repeated group list { optional double element; } }
            optional group images (LIST) { repeated group list { optional group element {
              optional binary uri (STRING); optional binary content_type (STRING); optional int64 size_bytes;
              optional binary checksum (STRING); optional binary checksum_algo (STRING); } } }
            optional group blobs (MAP) { repeated group key_value { required binary key (STRING); optional binary value; } }
            optional group amounts (MAP) { repeated group key_value { required binary key (STRING); optional int64 value (DECIMAL(10,2)); } }
            optional group times (MAP) { repeated group key_value { required binary key (STRING); optional int64 value (TIMESTAMP(MICROS,true)); } }
            optional group days (MAP) { repeated group key_value { required binary key (STRING); optional int32 value (DATE); } }
            optional group nested (MAP) { repeated group key_value { required binary key (STRING);
              optional group value (LIST) { repeated group list { optional binary element (STRING); } } } }
            optional group by_number (MAP) { repeated group key_value { required int32 key; optional binary value (STRING); } }
            optional group no_uri (LIST) { repeated group list { optional group element { optional binary a (STRING); } } }
          }\
          """);

  static final Instant TS = Instant.parse("2024-03-05T06:07:08.123456Z");
  static final LocalDate DAY = LocalDate.parse("2024-03-05");
  static final byte[] RAW = {0, 1, 2, (byte) 0xfb, (byte) 0xff};

  private final Path location;
  private long version = -1;
  private int files;

  private HandWrittenTable(Path location) {
    this.location = location;
  }

  /** Creates the table (version 0: protocol and metadata, no files). */
  static HandWrittenTable create(Path location) throws IOException {
    return create(
        location,
        "{\"protocol\":{\"minReaderVersion\":1,\"minWriterVersion\":2}}",
        metaData(SCHEMA.toJson()));
  }

  /** Creates a table whose version 0 holds these actions as they are. */
  static HandWrittenTable create(Path location, String... actions) throws IOException {
    HandWrittenTable t = new HandWrittenTable(location);
    Files.createDirectories(location.resolve("_delta_log"));
    t.commit(List.of(actions));
    return t;
  }

  /** A metaData action with this schema string (null: none at all). */
  static String metaData(String schemaString) {
    return "{\"metaData\":{\"id\":\""
        + UUID.randomUUID()
        + "\",\"format\":{\"provider\":\"parquet\",\"options\":{}},"
        + (schemaString == null
            ? ""
            : "\"schemaString\":" + RunningService.JSON.writeValueAsString(schemaString) + ",")
        + "\"partitionColumns\":[],\"configuration\":{},\"createdTime\":"
        + System.currentTimeMillis()
        + "}}";
  }

  /** Row values; unset columns are null. */
  static final class Row {
    final String id;
    final List<Consumer<Group>> values = new ArrayList<>();

    Row(String id) {
      this.id = id;
    }

    Row with(Consumer<Group> value) {
      values.add(value);
      return this;
    }

    /** A row with every column set, its vector {@code emb} (and {@code emb_d}) as given or null. */
    static Row full(String id, long number, float... vector) {
      Row r =
          new Row(id)
              .with(g -> g.append("title", "Title " + id))
              .with(g -> g.append("body", "Body of " + id))
              .with(g -> g.append("n_int", (int) number))
              .with(g -> g.append("n_long", number))
              .with(g -> g.append("n_dec", 12345L)) // 123.45
              .with(g -> g.append("ts", TS.getEpochSecond() * 1_000_000L + TS.getNano() / 1000))
              .with(g -> g.append("day", (int) DAY.toEpochDay()))
              .with(g -> g.append("raw", Binary.fromConstantByteArray(RAW)))
              .with(g -> g.append("flag", true))
              .with(
                  g -> {
                    Group tags = g.addGroup("tags");
                    tags.addGroup("list").append("element", "x");
                    tags.addGroup("list").append("element", "y");
                  })
              .with(
                  g ->
                      g.addGroup("attrs")
                          .addGroup("key_value")
                          .append("key", "lang")
                          .append("value", "en"))
              .with(
                  g ->
                      g.addGroup("counts")
                          .addGroup("key_value")
                          .append("key", "pages")
                          .append("value", 3))
              .with(g -> g.addGroup("info").append("a", "alpha").append("b", 2))
              .with(
                  g ->
                      g.addGroup("images")
                          .addGroup("list")
                          .addGroup("element")
                          .append("uri", "file:/img/" + id + ".png")
                          .append("content_type", "image/png")
                          .append("size_bytes", 10L)
                          .append("checksum", "ab")
                          .append("checksum_algo", "SHA-256"))
              .with(
                  g ->
                      g.addGroup("blobs")
                          .addGroup("key_value")
                          .append("key", "raw")
                          .append("value", Binary.fromConstantByteArray(RAW)))
              .with(
                  g ->
                      g.addGroup("amounts")
                          .addGroup("key_value")
                          .append("key", "price")
                          .append("value", 12345L))
              .with(
                  g ->
                      g.addGroup("times")
                          .addGroup("key_value")
                          .append("key", "at")
                          .append("value", TS.getEpochSecond() * 1_000_000L + TS.getNano() / 1000))
              .with(
                  g ->
                      g.addGroup("days")
                          .addGroup("key_value")
                          .append("key", "on")
                          .append("value", (int) DAY.toEpochDay()));
      if (vector.length > 0) {
        r.with(
            g -> {
              Group list = g.addGroup("emb");
              for (float x : vector) {
                list.addGroup("list").append("element", x);
              }
            });
        r.with(
            g -> {
              Group list = g.addGroup("emb_d");
              for (float x : vector) {
                list.addGroup("list").append("element", (double) x);
              }
            });
      }
      return r;
    }
  }

  /**
   * Writes one Parquet file of these rows and commits its add action (no stats); answers its path.
   */
  String append(Row... rows) throws IOException {
    String name = "part-" + (files++) + "-" + UUID.randomUUID() + ".parquet";
    Path file = location.resolve(name);
    SimpleGroupFactory factory = new SimpleGroupFactory(PARQUET);
    try (ParquetWriter<Group> writer =
        ExampleParquetWriter.builder(new LocalOutputFile(file)).withType(PARQUET).build()) {
      for (Row r : rows) {
        Group g = factory.newGroup().append("doc_id", r.id);
        r.values.forEach(v -> v.accept(g));
        writer.write(g);
      }
    }
    commit(
        List.of(
            "{\"add\":{\"path\":\""
                + name
                + "\",\"partitionValues\":{},\"size\":"
                + Files.size(file)
                + ",\"modificationTime\":"
                + System.currentTimeMillis()
                + ",\"dataChange\":true}}"));
    return name;
  }

  /** Commits the removal of a data file. */
  void remove(String name) throws IOException {
    commit(
        List.of(
            "{\"remove\":{\"path\":\""
                + name
                + "\",\"deletionTimestamp\":"
                + System.currentTimeMillis()
                + ",\"dataChange\":true}}"));
  }

  private void commit(List<String> actions) throws IOException {
    version++;
    StringBuilder s =
        new StringBuilder(
            "{\"commitInfo\":{\"timestamp\":"
                + System.currentTimeMillis()
                + ",\"operation\":\"WRITE\"}}\n");
    actions.forEach(a -> s.append(a).append('\n'));
    Files.writeString(
        location.resolve("_delta_log").resolve(String.format("%020d.json", version)),
        s.toString(),
        StandardCharsets.UTF_8);
  }

  long version() {
    return version;
  }

  Path location() {
    return location;
  }
}
