package io.lakeshelf.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakeshelf.api.catalog.DataDirectoryLock;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One process per data directory: a second service on a directory another process holds refuses to
 * start, naming the holder, and touches nothing in it; once the holder dies (even by kill -9) the
 * directory can be served again.
 */
class DataDirectoryLockIT {

  @TempDir Path dir;

  /** Holds a data directory's lock in a child JVM until killed. */
  public static final class Holder {
    public static void main(String[] args) throws Exception {
      DataDirectoryLock lock = DataDirectoryLock.acquire(Path.of(args[0]));
      System.out.println("locked " + ProcessHandle.current().pid());
      System.out.flush();
      Thread.sleep(Long.MAX_VALUE);
      lock.close();
    }
  }

  @Test
  void aSecondServiceOnAHeldDataDirectoryRefusesToStartNamingTheHolder() throws Exception {
    Path data = dir.resolve("data");
    try (RunningService first = RunningService.start(data)) {
      assertThat(
              first
                  .send(
                      "PUT", "/v1/collections/c", "{\"vectors\": {\"body\": {\"dimensions\": 3}}}")
                  .status())
          .isEqualTo(201);
      List<Path> before = list(data);
      assertThatThrownBy(() -> RunningService.start(data))
          .rootCause()
          .isInstanceOf(DataDirectoryLock.DataDirectoryInUseException.class)
          .hasMessageContaining("pid " + ProcessHandle.current().pid());
      assertThat(list(data)).isEqualTo(before);
      assertThat(first.get("/v1/collections/c").status()).isEqualTo(200);
    }
    // Released at shutdown: the directory serves again.
    try (RunningService again = RunningService.start(data)) {
      assertThat(again.get("/v1/collections/c").status()).isEqualTo(200);
    }
  }

  @Test
  void anotherProcessHoldingTheDirectoryIsNamedAndItsDeathReleasesIt() throws Exception {
    Path data = Files.createDirectories(dir.resolve("data"));
    Process holder =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                Holder.class.getName(),
                data.toString())
            .redirectErrorStream(true)
            .start();
    try {
      BufferedReader out =
          new BufferedReader(
              new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
      String line = out.readLine();
      assertThat(line).startsWith("locked ");
      assertThatThrownBy(() -> RunningService.start(data))
          .rootCause()
          .isInstanceOf(DataDirectoryLock.DataDirectoryInUseException.class)
          .hasMessageContaining("pid " + holder.pid());
    } finally {
      holder.destroyForcibly();
      assertThat(holder.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
    // The OS released the killed process's lock; its file, left behind, does not block a start.
    assertThat(data.resolve(DataDirectoryLock.FILE)).exists();
    try (RunningService s = RunningService.start(data)) {
      assertThat(s.get("/v1/collections").status()).isEqualTo(200);
    }
  }

  private static List<Path> list(Path dir) throws Exception {
    try (var files = Files.walk(dir)) {
      return files.sorted().toList();
    }
  }
}
