package io.lakeshelf.index.embed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Shutting embedding down while it runs (issue 12): the service stops taking texts at once, lets
 * the batches running finish, and only then may the model close; the model's close waits for a
 * native call running; everything after fails with a Java exception. And a JVM that shuts down
 * (SIGTERM) while the model runs does not crash, although ONNX Runtime's own shutdown hook runs at
 * the same time as the application's.
 */
class EmbeddingShutdownIT {

  private final ExecutorService callers = Executors.newCachedThreadPool();

  @TempDir Path dir;

  @AfterEach
  void stopCallers() {
    callers.shutdownNow();
  }

  /** About 300 words: more than the 256 tokens the model reads, so each run takes a while. */
  static String longText(int seed) {
    String[] words =
        "lake shelf delta table vector index search passage model embedding batch commit"
            .split(" ");
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < 300; i++) {
      b.append(words[(i * 7 + seed) % words.length]).append(' ');
    }
    return b.toString();
  }

  @Test
  void shutdownRefusesAtOnceAndTheModelClosesOnlyAfterTheRunningBatchReturned() throws Exception {
    MiniLmEmbedder model = MiniLmEmbedder.load();
    GatedEmbedder gated = new GatedEmbedder(model);
    EmbeddingService service =
        new EmbeddingService(gated, new EmbeddingOptions(1, 1, 2, Duration.ofSeconds(30)));
    Future<float[]> running = callers.submit(() -> service.embed("running at shutdown"));
    gated.awaitWaiting(1);
    Future<float[]> queued = callers.submit(() -> service.embed("queued at shutdown"));
    awaitInFlight(service, 2);

    service.shutdown(); // does not wait
    assertThat(service.isShutdown()).isTrue();
    assertThatThrownBy(queued::get).hasCauseInstanceOf(EmbeddingClosedException.class);
    assertThatThrownBy(() -> service.embed("after shutdown"))
        .isInstanceOf(EmbeddingClosedException.class);

    // What the application does at the end of its shutdown: the pool first, the model last.
    Future<?> closing =
        callers.submit(
            () -> {
              service.close();
              model.close();
            });
    Thread.sleep(300);
    assertThat(closing.isDone()).as("close waits for the running batch").isFalse();
    assertThat(running.isDone()).isFalse();

    gated.openForGood();
    closing.get(30, TimeUnit.SECONDS);
    assertThat(running.get()).hasSize(MiniLmEmbedder.DIMENSIONS);
    assertThat(gated.calls()).isEqualTo(1);
    assertThatThrownBy(() -> service.embed("after close"))
        .isInstanceOf(EmbeddingClosedException.class);
    assertThatThrownBy(() -> model.embed(List.of("after close")))
        .isInstanceOf(EmbeddingClosedException.class);
  }

  @Test
  void closingTheModelWaitsForTheNativeCallRunningAndLaterCallsFailInJava() throws Exception {
    MiniLmEmbedder model = MiniLmEmbedder.load();
    List<String> texts = Collections.nCopies(16, longText(1));
    Thread[] embedding = new Thread[1];
    Future<float[][]> vectors =
        callers.submit(
            () -> {
              embedding[0] = Thread.currentThread();
              return model.embed(texts);
            });
    awaitInNativeRun(embedding, vectors);

    model.close(); // waits for the run, then frees the session
    assertThat(vectors.isDone()).as("the run returned before close did").isTrue();
    assertThat(vectors.get()).hasNumberOfRows(16);
    assertThat(vectors.get()[15]).hasSize(MiniLmEmbedder.DIMENSIONS);
    assertThatThrownBy(() -> model.embed(List.of("after close")))
        .isInstanceOf(EmbeddingClosedException.class);
    model.close(); // idempotent
  }

  /**
   * A child JVM embeds on four threads and gets SIGTERM; its own shutdown hook holds the shutdown
   * open the way Spring's graceful shutdown does, then closes the service and the model. Before the
   * fix, ONNX Runtime's hook freed the native environment meanwhile and the JVM died with SIGSEGV
   * in {@code libonnxruntime.so} (exit 134, an {@code hs_err_pid*.log}) in about one run of three.
   */
  @Test
  void sigtermWhileTheModelRunsEndsTheJvmWithoutANativeCrash() throws Exception {
    for (int run = 0; run < 3; run++) {
      Path work = Files.createDirectories(dir.resolve("run-" + run));
      Path out = work.resolve("child.log");
      Process child =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-Xmx512m",
                  // The client compiler alone: the child's work is the model's native code.
                  "-XX:TieredStopAtLevel=1",
                  "-XX:+UseSerialGC",
                  "--enable-native-access=ALL-UNNAMED",
                  "-cp",
                  System.getProperty("java.class.path"),
                  ShutdownDuringEmbeddingChild.class.getName())
              .directory(work.toFile())
              .redirectErrorStream(true)
              .redirectOutput(out.toFile())
              .start();
      child.getOutputStream().close();
      try {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.readString(out, StandardCharsets.UTF_8).contains("embedding")) {
          assertThat(child.isAlive()).as(Files.readString(out)).isTrue();
          assertThat(System.nanoTime()).as("the child started embedding").isLessThan(deadline);
          Thread.sleep(50);
        }
        Thread.sleep(500);
        child.destroy(); // SIGTERM
        assertThat(child.waitFor(60, TimeUnit.SECONDS)).as("the child exited").isTrue();
        String output = Files.readString(out, StandardCharsets.UTF_8);
        assertThat(output)
            .as("run %d", run)
            .doesNotContain("SIGSEGV")
            .doesNotContain("A fatal error")
            .contains("closed after shutdown");
        assertThat(child.exitValue()).as("run %d: %s", run, output).isEqualTo(143);
        assertThat(hsErrFiles(work)).as("run %d", run).isEmpty();
      } finally {
        child.destroyForcibly();
      }
    }
  }

  private static List<String> hsErrFiles(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .map(p -> p.getFileName().toString())
          .filter(n -> n.startsWith("hs_err_pid"))
          .toList();
    }
  }

  /** Waits until the thread is inside ONNX Runtime's native run. */
  private static void awaitInNativeRun(Thread[] thread, Future<?> call)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      Thread t = thread[0];
      if (t != null
          && Arrays.stream(t.getStackTrace())
              .anyMatch(
                  f ->
                      f.getClassName().equals("ai.onnxruntime.OrtSession") && f.isNativeMethod())) {
        return;
      }
      if (call.isDone() || System.nanoTime() > deadline) {
        throw new AssertionError(
            "the model did not run within 30 s, or ran too quickly to be caught");
      }
      Thread.sleep(1);
    }
  }

  private static void awaitInFlight(EmbeddingService service, int n) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (service.batchesInFlight() != n) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "expected " + n + " batches in flight, there are " + service.batchesInFlight());
      }
      Thread.sleep(5);
    }
  }
}
