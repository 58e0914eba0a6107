package io.lakeshelf.content.rows;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakeshelf.content.RowLocator;
import io.lakeshelf.content.storage.TableEngines;
import io.lakeshelf.content.table.ContentColumns;
import io.lakeshelf.content.table.ContentTable;
import io.lakeshelf.content.table.LiveFile;
import io.lakeshelf.content.table.TableSnapshot;
import io.lakeshelf.content.testing.Fixtures;
import io.lakeshelf.content.testing.KernelRows;
import io.lakeshelf.content.testing.S3TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A table is found and every one of its rows joined wherever it lies: directory names holding the
 * characters URIs give a meaning to ({@code % # ? ; : [ ] & + =}), spaces, backslashes and letters
 * outside ASCII, on local disk and in S3 keys. The table is the Spark fixture, partitioned, so the
 * log's data-file paths are percent-encoded relative URIs under a directory that needs encoding
 * itself.
 */
class TableLocationsIT {

  @TempDir Path dir;

  private static S3TestServer s3;
  private static software.amazon.awssdk.services.s3.S3Client client;

  @BeforeAll
  static void startS3() {
    s3 = S3TestServer.start();
    s3.createBucket("locations");
    client = s3.client(io.lakeshelf.content.storage.StorageRequestListener.NONE);
  }

  @AfterAll
  static void stopS3() {
    client.close();
    s3.close();
  }

  @ParameterizedTest(name = "[{0}]")
  @ValueSource(
      strings = {
        "a%b",
        "a%25b",
        "a#b",
        "a?b",
        "a b",
        "a;v=2",
        "a:b",
        "a\\b",
        "ü é",
        "a[0]&b+c=d",
        "#?%"
      })
  void joinsEveryRowOfALocalTableUnderThisName(String name) throws Exception {
    Path parent = Files.createDirectories(dir.resolve(name).resolve("nested " + name));
    Path table = Fixtures.copy("spark-content-table/table", parent);
    joinsEveryRow(TableEngines.local(), table.toString());
  }

  @ParameterizedTest(name = "[{0}]")
  @ValueSource(strings = {"a%b", "a%25b", "a#b", "a?b", "a b", "a;v=2", "a:b", "ü é", "a[0]&b+c=d"})
  void joinsEveryRowOfAnS3TableUnderThisKey(String name) throws Exception {
    s3.upload(
        Fixtures.root().resolve("spark-content-table/table"),
        "locations",
        "t/" + name + "/nested " + name);
    joinsEveryRow(
        TableEngines.withS3(client, io.lakeshelf.content.storage.StorageRequestListener.NONE),
        "s3://locations/t/" + name + "/nested " + name);
  }

  private static void joinsEveryRow(
      io.lakeshelf.content.storage.StorageEngine engine, String location) {
    TableSnapshot snapshot =
        ContentTable.open(
                engine,
                location,
                new ContentColumns("doc_id", null, null, null, null, null),
                List.of())
            .latest();
    List<String> columns = snapshot.schema().fieldNames();
    Map<RowLocator, Map<String, Object>> expected = KernelRows.read(snapshot, columns);
    assertThat(expected).hasSize(384);
    RowReader reader =
        new RowReader(
            engine,
            snapshot.location(),
            snapshot.schema(),
            snapshot.columnMappingMode(),
            snapshot.partitionColumns(),
            Executors.newVirtualThreadPerTaskExecutor());
    Map<RowLocator, Map<String, Object>> actual =
        reader.read(
            new ArrayList<>(expected.keySet()),
            columns,
            path -> snapshot.file(path).map(LiveFile::partitionValues).orElse(Map.of()));
    assertThat(actual.keySet()).isEqualTo(expected.keySet());
    for (RowLocator l : expected.keySet()) {
      assertThat(KernelRows.normalize(actual.get(l)))
          .as(l.toString())
          .isEqualTo(KernelRows.normalize(expected.get(l)));
    }
  }
}
