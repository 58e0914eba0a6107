package io.lakeshelf.content.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;

/**
 * A Delta table whose data files parquet-mr wrote directly, in a layout drawn from a seed, and
 * whose log is written by hand: data shaped by neither Lakeshelf's writer nor Delta Kernel's.
 *
 * <p>Each file draws its own row-group size (4 KB to 1 MB), page size (256 B to 64 KB), page row
 * limit (1 to 20,000 rows), dictionary encoding on or off, data page v1 or v2 and codec, so a
 * column spans anything from one page to thousands, and the columns of one row group break pages at
 * different rows. Values: texts of 0 bytes to 64 KB (ASCII and not), nulls in every nullable
 * column, lists and maps of 0 to 5 entries (null elements included), longs, doubles, binaries and a
 * float vector.
 *
 * <p>Schema ({@link #DELTA_SCHEMA}): {@code id STRING NOT NULL, title STRING, body STRING, tags
 * ARRAY<STRING>, attrs MAP<STRING,STRING>, n BIGINT, score DOUBLE, blob BINARY, vec ARRAY<FLOAT>}
 * ({@link #DIMENSIONS} floats, or null).
 */
public final class RandomParquetTable {

  public static final int DIMENSIONS = 8;

  static final MessageType PARQUET_SCHEMA =
      MessageTypeParser.parseMessageType(
          """
          message spark_schema {
            required binary id (STRING);
            optional binary title (STRING);
            optional binary body (STRING);
            optional group tags (LIST) { repeated group list { optional binary element (STRING); } }
            optional group attrs (MAP) {
              repeated group key_value { required binary key (STRING); optional binary value (STRING); }
            }
            optional int64 n;
            optional double score;
            optional binary blob;
            optional group vec (LIST) { repeated group list { optional float element; } }
          }\
          """);

  public static final String DELTA_SCHEMA =
      """
      {"type":"struct","fields":[\
      {"name":"id","type":"string","nullable":false,"metadata":{}},\
      {"name":"title","type":"string","nullable":true,"metadata":{}},\
      {"name":"body","type":"string","nullable":true,"metadata":{}},\
      {"name":"tags","type":{"type":"array","elementType":"string","containsNull":true},"nullable":true,"metadata":{}},\
      {"name":"attrs","type":{"type":"map","keyType":"string","valueType":"string","valueContainsNull":true},"nullable":true,"metadata":{}},\
      {"name":"n","type":"long","nullable":true,"metadata":{}},\
      {"name":"score","type":"double","nullable":true,"metadata":{}},\
      {"name":"blob","type":"binary","nullable":true,"metadata":{}},\
      {"name":"vec","type":{"type":"array","elementType":"float","containsNull":true},"nullable":true,"metadata":{}}\
      ]}\
      """;

  /** The layout one data file was written with, for messages. */
  public record Layout(
      int rows,
      long rowGroupSize,
      int pageSize,
      int pageRowLimit,
      boolean dictionary,
      ParquetProperties.WriterVersion version,
      CompressionCodecName codec,
      int maxText) {}

  private final Path root;
  private final List<Layout> layouts;
  private final List<String> ids;

  private RandomParquetTable(Path root, List<Layout> layouts, List<String> ids) {
    this.root = root;
    this.layouts = List.copyOf(layouts);
    this.ids = List.copyOf(ids);
  }

  public Path root() {
    return root;
  }

  public List<Layout> layouts() {
    return layouts;
  }

  /** Every id written, in file and row order. */
  public List<String> ids() {
    return ids;
  }

  /**
   * Writes a table of {@code files} data files under {@code dir} with layouts drawn from {@code
   * seed}; each file holds 1 to {@code maxRowsPerFile} rows. With {@code withStats} false the log's
   * add actions carry no statistics.
   */
  public static RandomParquetTable write(
      Path dir, long seed, int files, int maxRowsPerFile, boolean withStats) {
    Random random = new Random(seed);
    try {
      Files.createDirectories(dir.resolve("_delta_log"));
      StringBuilder log = new StringBuilder();
      log.append("{\"protocol\":{\"minReaderVersion\":1,\"minWriterVersion\":2}}\n");
      log.append("{\"metaData\":{\"id\":\"")
          .append(new UUID(seed, files))
          .append("\",\"format\":{\"provider\":\"parquet\",\"options\":{}},\"schemaString\":")
          .append(jsonString(DELTA_SCHEMA))
          .append(
              ",\"partitionColumns\":[],\"configuration\":{},\"createdTime\":1700000000000}}\n");
      List<Layout> layouts = new ArrayList<>();
      List<String> ids = new ArrayList<>();
      for (int f = 0; f < files; f++) {
        Layout layout = drawLayout(random, 1 + random.nextInt(maxRowsPerFile));
        String name = "part-" + f + "-" + new UUID(seed, f) + ".parquet";
        Path file = dir.resolve(name);
        writeFile(file, layout, random, "s" + seed + "f" + f + "r", ids);
        log.append("{\"add\":{\"path\":\"")
            .append(name)
            .append("\",\"partitionValues\":{},\"size\":")
            .append(Files.size(file))
            .append(",\"modificationTime\":1700000000000,\"dataChange\":true");
        if (withStats) {
          log.append(",\"stats\":").append(jsonString("{\"numRecords\":" + layout.rows() + "}"));
        }
        log.append("}}\n");
        layouts.add(layout);
      }
      Files.writeString(dir.resolve("_delta_log").resolve("00000000000000000000.json"), log);
      return new RandomParquetTable(dir, layouts, ids);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Layout drawLayout(Random random, int rows) {
    long rowGroupSize =
        switch (random.nextInt(3)) {
          case 0 -> 4 << 10;
          case 1 -> 64 << 10;
          default -> 1 << 20;
        };
    int pageSize =
        switch (random.nextInt(4)) {
          case 0 -> 256;
          case 1 -> 2 << 10;
          case 2 -> 8 << 10;
          default -> 64 << 10;
        };
    int pageRowLimit =
        switch (random.nextInt(4)) {
          case 0 -> 1;
          case 1 -> 1 + random.nextInt(7);
          case 2 -> 10 + random.nextInt(200);
          default -> 20_000;
        };
    int maxText =
        switch (random.nextInt(4)) {
          case 0 -> 0;
          case 1 -> 200;
          case 2 -> 4 << 10;
          default -> 64 << 10;
        };
    CompressionCodecName[] codecs = {
      CompressionCodecName.UNCOMPRESSED,
      CompressionCodecName.SNAPPY,
      CompressionCodecName.GZIP,
      CompressionCodecName.ZSTD
    };
    return new Layout(
        rows,
        rowGroupSize,
        pageSize,
        pageRowLimit,
        random.nextBoolean(),
        random.nextBoolean()
            ? ParquetProperties.WriterVersion.PARQUET_1_0
            : ParquetProperties.WriterVersion.PARQUET_2_0,
        codecs[random.nextInt(codecs.length)],
        maxText);
  }

  private static void writeFile(
      Path file, Layout layout, Random random, String idPrefix, List<String> ids)
      throws IOException {
    SimpleGroupFactory groups = new SimpleGroupFactory(PARQUET_SCHEMA);
    try (ParquetWriter<Group> writer =
        ExampleParquetWriter.builder(new LocalOutputFile(file))
            .withConf(new PlainParquetConfiguration())
            .withType(PARQUET_SCHEMA)
            .withRowGroupSize(layout.rowGroupSize())
            .withPageSize(layout.pageSize())
            .withPageRowCountLimit(layout.pageRowLimit())
            .withMinRowCountForPageSizeCheck(1)
            .withMaxRowCountForPageSizeCheck(Math.max(1, layout.pageRowLimit()))
            .withDictionaryPageSize(Math.max(1024, layout.pageSize()))
            .withDictionaryEncoding(layout.dictionary())
            .withWriterVersion(layout.version())
            .withCompressionCodec(layout.codec())
            .build()) {
      // A few distinct texts so dictionary pages hold real entries, and fresh ones besides.
      String[] repeated = {text(random, layout.maxText()), text(random, layout.maxText()), ""};
      for (int r = 0; r < layout.rows(); r++) {
        Group g = groups.newGroup();
        String id = idPrefix + r;
        ids.add(id);
        g.add("id", id);
        if (random.nextInt(8) != 0) {
          g.add("title", "title " + id);
        }
        int bodyKind = random.nextInt(10);
        if (bodyKind == 0) {
          // null body
        } else if (bodyKind < 3) {
          g.add("body", repeated[random.nextInt(repeated.length)]);
        } else {
          g.add("body", id + " " + text(random, layout.maxText()));
        }
        if (random.nextInt(5) != 0) {
          Group tags = g.addGroup("tags");
          int n = random.nextInt(6);
          for (int i = 0; i < n; i++) {
            Group element = tags.addGroup("list");
            if (random.nextInt(6) != 0) {
              element.add("element", "t" + random.nextInt(20));
            }
          }
        }
        if (random.nextInt(5) != 0) {
          Group attrs = g.addGroup("attrs");
          int n = random.nextInt(6);
          for (int i = 0; i < n; i++) {
            Group kv = attrs.addGroup("key_value");
            kv.add("key", "k" + i);
            if (random.nextInt(6) != 0) {
              kv.add(
                  "value",
                  "v" + random.nextInt(1000) + (random.nextInt(4) == 0 ? text(random, 300) : ""));
            }
          }
        }
        if (random.nextInt(6) != 0) {
          g.add("n", random.nextLong());
        }
        if (random.nextInt(6) != 0) {
          g.add("score", random.nextGaussian());
        }
        if (random.nextInt(4) != 0) {
          byte[] blob = new byte[random.nextInt(64)];
          random.nextBytes(blob);
          g.add("blob", org.apache.parquet.io.api.Binary.fromConstantByteArray(blob));
        }
        if (random.nextInt(10) != 0) {
          Group vec = g.addGroup("vec");
          for (int i = 0; i < DIMENSIONS; i++) {
            vec.addGroup("list").add("element", (float) random.nextGaussian());
          }
        }
        writer.write(g);
      }
    }
  }

  /** A text of 0 to {@code max} characters: words, and now and then letters outside ASCII. */
  static String text(Random random, int max) {
    if (max == 0) {
      return "";
    }
    int length =
        random.nextInt(4) == 0 ? random.nextInt(max + 1) : random.nextInt(Math.min(max, 3000) + 1);
    StringBuilder b = new StringBuilder(length);
    String[] words = {
      "lake", "shelf", "delta", "page", "row", "group", "Ünïcödé", "日本語", "naïve", "x"
    };
    while (b.length() < length) {
      b.append(words[random.nextInt(words.length)]).append(random.nextInt(100)).append(' ');
    }
    b.setLength(length);
    // Never end inside a surrogate pair.
    if (length > 0 && Character.isHighSurrogate(b.charAt(length - 1))) {
      b.setLength(length - 1);
    }
    return b.toString();
  }

  private static String jsonString(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        default -> b.append(c);
      }
    }
    return b.append('"').toString();
  }

  @Override
  public String toString() {
    return root + " " + layouts;
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
