package io.lakeshelf.spark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The Lakeshelf service as a child process: its runnable jar (built by the reactor before this
 * module) on a JDK 25, as {@code src/bin/lakeshelf} runs it, on a free port. The service needs Java
 * 21+, this module's tests run on 17.
 */
final class ServiceProcess implements AutoCloseable {

  static final ObjectMapper JSON = new ObjectMapper();

  /** What an HTTP call answered. */
  record Answer(int status, String body) {
    JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new AssertionError("not JSON: " + body, e);
      }
    }
  }

  private final Process process;
  private final Path log;
  private final String base;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private ServiceProcess(Process process, Path log, int port) {
    this.process = process;
    this.log = log;
    this.base = "http://127.0.0.1:" + port;
  }

  /**
   * The JDK 25 to run the service with: the system property {@code lakeshelf.service.jdk} (set by
   * the build), else the newest {@code /usr/lib/jvm/temurin-25*}; null when there is none.
   */
  static Path jdk() throws IOException {
    String configured = System.getProperty("lakeshelf.service.jdk");
    if (configured != null && Files.isExecutable(Path.of(configured, "bin", "java"))) {
      return Path.of(configured);
    }
    Path newest = null;
    Path jvms = Path.of("/usr/lib/jvm");
    if (Files.isDirectory(jvms)) {
      try (DirectoryStream<Path> dirs = Files.newDirectoryStream(jvms, "temurin-25*")) {
        for (Path d : dirs) {
          if (Files.isExecutable(d.resolve("bin/java"))
              && (newest == null || d.compareTo(newest) > 0)) {
            newest = d;
          }
        }
      }
    }
    return newest;
  }

  /** The service's runnable jar, as the build resolved it (content-api's exec artifact). */
  static Path jar() {
    String configured = System.getProperty("lakeshelf.service.jar");
    if (configured == null || !Files.isRegularFile(Path.of(configured))) {
      throw new IllegalStateException(
          "lakeshelf.service.jar="
              + configured
              + " is not the service's jar: run the test with"
              + " Maven, which builds content-api's -exec.jar first");
    }
    return Path.of(configured);
  }

  static ServiceProcess start(Path jdk, Path jar, Path dir) throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Files.createDirectories(dir);
    Path log = dir.resolve("service.log");
    List<String> command =
        List.of(
            jdk.resolve("bin/java").toString(),
            "-Xmx1g",
            "-XX:TieredStopAtLevel=1",
            "--add-modules",
            "jdk.incubator.vector",
            "--enable-native-access=ALL-UNNAMED",
            "-jar",
            jar.toString(),
            "--server.port=" + port,
            "--server.address=127.0.0.1",
            "--lakeshelf.data-dir=" + dir.resolve("data"),
            "--lakeshelf.index.sync-interval=500ms");
    Process process =
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    process.getOutputStream().close();
    ServiceProcess service = new ServiceProcess(process, log, port);
    try {
      service.awaitStarted();
    } catch (Throwable t) {
      service.close();
      throw t;
    }
    return service;
  }

  private void awaitStarted() throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new AssertionError("the service exited; its output:\n" + output());
      }
      try {
        if (send("GET", "/v1/collections", null).status() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(200);
    }
    throw new AssertionError("the service did not start in 120 s; its output:\n" + output());
  }

  Answer send(String method, String path, String body) throws IOException, InterruptedException {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60));
    if (body == null) {
      b.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      b.method(method, HttpRequest.BodyPublishers.ofString(body))
          .header("Content-Type", "application/json");
    }
    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    return new Answer(r.statusCode(), r.body());
  }

  String output() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(cannot read " + log + ": " + e + ")";
    }
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }
}
