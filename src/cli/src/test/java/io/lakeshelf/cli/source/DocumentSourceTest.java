package io.lakeshelf.cli.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakeshelf.cli.client.ServiceClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Both sources opened at every kind of position a checkpoint records give exactly the rows from
 * there on; Parquet rows become the ingest document's JSON (integer ids, map metadata, two-level
 * lists, nulls left out).
 */
class DocumentSourceTest {

  @TempDir Path dir;

  @Test
  void jsonlResumesAtAnyPositionItGave() throws IOException {
    Path file = dir.resolve("d.jsonl");
    StringBuilder b = new StringBuilder("\uFEFF");
    for (int i = 0; i < 50; i++) {
      b.append("{\"id\": \"d-").append(i).append("\"}").append(i % 7 == 0 ? "\r\n\n  \n" : "\n");
    }
    b.append("{\"id\": \"last\"}"); // no final line end
    Files.writeString(file, b.toString(), StandardCharsets.UTF_8);

    List<Long> positions = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    try (DocumentSource s = DocumentSource.open(file, "jsonl", 0)) {
      assertThat(s.totalRows()).isEqualTo(51);
      positions.add(s.position());
      for (DocumentSource.Row r; (r = s.next()) != null; ) {
        ids.add(r.id());
        positions.add(s.position());
      }
    }
    assertThat(ids).hasSize(51).startsWith("d-0", "d-1").endsWith("last");
    for (int k = 0; k < positions.size(); k++) {
      try (DocumentSource s = DocumentSource.open(file, "jsonl", positions.get(k))) {
        assertThat(rest(s)).as("from row " + k).isEqualTo(ids.subList(k, ids.size()));
      }
    }
    try (DocumentSource s = DocumentSource.open(file, "jsonl", positions.get(8))) {
      assertThat(s.next().where())
          .as("line numbers count from the file's start")
          .isEqualTo("line 13");
    }
  }

  @Test
  void jsonlRefusesALineThatIsNoObject() throws IOException {
    Path file = dir.resolve("bad.jsonl");
    Files.writeString(file, "{\"id\": \"a\"}\n[1, 2]\n");
    try (DocumentSource s = DocumentSource.open(file, "jsonl", 0)) {
      s.next();
      assertThatThrownBy(s::next)
          .isInstanceOf(InputException.class)
          .hasMessage("line 2: not a JSON object (one document per line)");
    }
  }

  @Test
  void parquetResumesAtAnyRowAcrossRowGroups() throws IOException {
    MessageType schema =
        MessageTypeParser.parseMessageType(
            """
            message m {
              required int64 id;
              optional binary text (STRING);
              optional group metadata (MAP) {
                repeated group key_value {
                  required binary key (STRING);
                  optional binary value (STRING);
                }
              }
              optional group vectors {
                optional group body (LIST) {
                  repeated float array;
                }
              }
            }
            """);
    Path file = dir.resolve("d.parquet");
    SimpleGroupFactory f = new SimpleGroupFactory(schema);
    int rows = 3000;
    try (ParquetWriter<Group> w =
        ExampleParquetWriter.builder(new LocalOutputFile(file))
            .withType(schema)
            .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
            .withRowGroupSize(16 << 10)
            .withPageSize(1 << 10)
            .build()) {
      for (int i = 0; i < rows; i++) {
        Group g = f.newGroup().append("id", (long) i);
        if (i % 3 != 0) {
          g.append("text", "text " + i);
        }
        Group kv = g.addGroup("metadata").addGroup("key_value");
        kv.append("key", "lang").append("value", i % 2 == 0 ? "en" : "de");
        g.getGroup("metadata", 0).addGroup("key_value").append("key", "none");
        Group body = g.addGroup("vectors").addGroup("body");
        body.append("array", (float) i).append("array", 0.5f);
        w.write(g);
      }
    }
    try (DocumentSource s = DocumentSource.open(file, "parquet", 0)) {
      assertThat(s.totalRows()).isEqualTo(rows);
      JsonNode first = ServiceClient.JSON.readTree(s.next().json());
      assertThat(first.toString())
          .isEqualTo(
              "{\"id\":\"0\",\"metadata\":{\"lang\":\"en\"},\"vectors\":{\"body\":[0.0,0.5]}}");
      assertThat(ServiceClient.JSON.readTree(s.next().json()).path("text").asString())
          .isEqualTo("text 1");
    }
    Random random = new Random();
    List<Long> starts = new ArrayList<>(List.of(0L, 1L, (long) rows - 1, (long) rows));
    for (int k = 0; k < 6; k++) {
      starts.add((long) random.nextInt(rows));
    }
    for (long start : starts) {
      try (DocumentSource s = DocumentSource.open(file, "parquet", start)) {
        List<String> ids = rest(s);
        assertThat(ids).as("from row " + start).hasSize((int) (rows - start));
        if (!ids.isEmpty()) {
          assertThat(ids.get(0)).isEqualTo(String.valueOf(start));
          assertThat(ids.getLast()).isEqualTo(String.valueOf(rows - 1));
        }
        assertThat(s.position()).isEqualTo(rows);
      }
    }
  }

  private static List<String> rest(DocumentSource s) throws IOException {
    List<String> ids = new ArrayList<>();
    for (DocumentSource.Row r; (r = s.next()) != null; ) {
      ids.add(r.id());
    }
    return ids;
  }
}
