package io.lakeshelf.cli;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;

/**
 * Files of generated documents, the same document {@code i} in either format: id {@code d-i},
 * title, a text of a few words, an 8-dimension vector {@code body} and typed metadata ({@code n},
 * {@code group}, {@code even}).
 */
final class TestFiles {

  static final int DIMENSIONS = 8;

  private static final String[] WORDS =
      "lake shelf delta table vector index search parquet kernel lucene graph query batch row"
          .split(" ");

  /** The Parquet layout: the document's fields as columns, and one column that is not one. */
  static final MessageType SCHEMA =
      MessageTypeParser.parseMessageType(
          """
          message document {
            required binary id (STRING);
            optional binary title (STRING);
            optional binary text (STRING);
            optional group vectors {
              optional group body (LIST) {
                repeated group list {
                  required float element;
                }
              }
            }
            optional group metadata {
              optional int64 n;
              optional binary group (STRING);
              optional boolean even;
            }
            optional int32 not_a_field;
          }
          """);

  private TestFiles() {}

  static String id(int i) {
    return "d-" + i;
  }

  static String title(int i) {
    return "Document " + i;
  }

  static String text(int i) {
    Random r = new Random(i * 31L + 7);
    StringBuilder b = new StringBuilder("row ").append(i);
    for (int w = 0; w < 4; w++) {
      b.append(' ').append(WORDS[r.nextInt(WORDS.length)]);
    }
    return b.toString();
  }

  static float[] vector(int i) {
    Random r = new Random(i);
    float[] v = new float[DIMENSIONS];
    for (int d = 0; d < DIMENSIONS; d++) {
      v[d] = r.nextFloat() * 2 - 1;
    }
    v[0] += 3; // never all zeros
    return v;
  }

  static String vectorJson(int i) {
    StringBuilder b = new StringBuilder("[");
    for (float f : vector(i)) {
      b.append(b.length() == 1 ? "" : ",").append(f);
    }
    return b.append(']').toString();
  }

  /** {@code rows} documents, one JSON object per line. */
  static Path jsonl(Path file, int rows) throws IOException {
    try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      for (int i = 0; i < rows; i++) {
        w.write(
            "{\"id\":\""
                + id(i)
                + "\",\"title\":\""
                + title(i)
                + "\",\"text\":\""
                + text(i)
                + "\",\"vectors\":{\"body\":"
                + vectorJson(i)
                + "},\"metadata\":{\"n\":"
                + i
                + ",\"group\":\"g"
                + (i % 10)
                + "\",\"even\":"
                + (i % 2 == 0)
                + "}}\n");
      }
    }
    return file;
  }

  /**
   * {@code rows} documents written by parquet-mr's example writer, with row group and page sizes
   * drawn from {@code random} (so several row groups, and pages of several sizes).
   */
  static Path parquet(Path file, int rows, Random random) throws IOException {
    int rowGroupBytes = (64 + random.nextInt(448)) << 10;
    int pageBytes = (1 + random.nextInt(32)) << 10;
    SimpleGroupFactory groups = new SimpleGroupFactory(SCHEMA);
    try (ParquetWriter<Group> w =
        ExampleParquetWriter.builder(new LocalOutputFile(file))
            .withType(SCHEMA)
            .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
            .withRowGroupSize(rowGroupBytes)
            .withPageSize(pageBytes)
            .withDictionaryEncoding(random.nextBoolean())
            .withCompressionCodec(
                random.nextBoolean()
                    ? CompressionCodecName.SNAPPY
                    : CompressionCodecName.UNCOMPRESSED)
            .build()) {
      for (int i = 0; i < rows; i++) {
        Group g = groups.newGroup().append("id", id(i)).append("title", title(i));
        g.append("text", text(i));
        Group list = g.addGroup("vectors").addGroup("body");
        for (float f : vector(i)) {
          list.addGroup("list").append("element", f);
        }
        g.addGroup("metadata")
            .append("n", (long) i)
            .append("group", "g" + (i % 10))
            .append("even", i % 2 == 0);
        g.append("not_a_field", i);
        w.write(g);
      }
    }
    return file;
  }
}
