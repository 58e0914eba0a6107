package io.lakeshelf.index.embed;

import static io.lakeshelf.index.embed.SharedModel.dot;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class EmbeddingServiceTest {

  private final MiniLmEmbedder model = SharedModel.get();
  private final ExecutorService callers = Executors.newCachedThreadPool();

  @AfterEach
  void stopCallers() {
    callers.shutdownNow();
  }

  private static List<String> texts(String prefix, int n) {
    List<String> texts = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      // Lengths vary, so that ordering by length reorders the batches.
      texts.add(prefix + " passage " + i + " " + "about something in particular ".repeat(i % 7));
    }
    return texts;
  }

  private static void assertSameVectors(float[][] actual, float[][] expected) {
    assertThat(actual).hasNumberOfRows(expected.length);
    for (int i = 0; i < expected.length; i++) {
      assertThat(dot(actual[i], expected[i])).as("vector %d", i).isGreaterThan(0.9999);
    }
  }

  @Test
  void embedAllGivesEachTextItsVectorInOrder() throws Exception {
    List<String> texts = texts("order", 23);
    try (EmbeddingService service =
        new EmbeddingService(model, new EmbeddingOptions(4, 2, 2, Duration.ofSeconds(30)))) {
      float[][] vectors = service.embedAll(texts);
      assertSameVectors(vectors, model.embed(texts));
      assertThat(service.embed(texts.get(5))).containsExactly(vectors[5]);
      assertThat(service.embedAll(List.of())).isEmpty();
      assertThat(service.batchesInFlight()).isZero();
    }
  }

  @Test
  void concurrentCallersGetTheSameVectorsAsSequentialOnes() throws Exception {
    GatedEmbedder gated = new GatedEmbedder(model);
    gated.openForGood();
    try (EmbeddingService service =
        new EmbeddingService(gated, new EmbeddingOptions(3, 2, 1, Duration.ofMinutes(1)))) {
      List<List<String>> inputs = new ArrayList<>();
      List<Future<float[][]>> results = new ArrayList<>();
      for (int c = 0; c < 8; c++) {
        List<String> texts = texts("caller " + c, 10 + c);
        inputs.add(texts);
        results.add(callers.submit(() -> service.embedAll(texts)));
      }
      for (int c = 0; c < inputs.size(); c++) {
        assertSameVectors(results.get(c).get(), model.embed(inputs.get(c)));
      }
      // Never more batches at once than threads, however many callers.
      assertThat(gated.maxRunning()).isLessThanOrEqualTo(2);
      assertThat(service.batchesInFlight()).isZero();
    }
  }

  @Test
  void aCallerFindingThePoolFullWaitsForRoomAndIsRejectedWhenNoneComes() throws Exception {
    GatedEmbedder gated = new GatedEmbedder(model);
    // One thread and one queued batch: two batches of all callers in flight at most.
    try (EmbeddingService service =
        new EmbeddingService(gated, new EmbeddingOptions(1, 1, 1, Duration.ofMillis(200)))) {
      Future<float[]> running = callers.submit(() -> service.embed("the running one"));
      gated.awaitWaiting(1);
      Future<float[]> queued = callers.submit(() -> service.embed("the queued one"));
      awaitInFlight(service, 2);

      assertThatThrownBy(() -> service.embed("one too many"))
          .isInstanceOf(EmbeddingRejectedException.class)
          .hasMessageContaining("no room");
      assertThat(service.batchesInFlight()).isEqualTo(2);

      gated.openForGood();
      assertThat(dot(running.get(), model.embed(List.of("the running one"))[0]))
          .isGreaterThan(0.9999);
      assertThat(dot(queued.get(), model.embed(List.of("the queued one"))[0]))
          .isGreaterThan(0.9999);
      // Room again: the next caller gets through.
      assertThat(service.embed("after the rush")).hasSize(384);
      assertThat(service.batchesInFlight()).isZero();
    }
  }

  @Test
  void aLargeCallIsAdmittedBatchByBatchWithoutBeingRejected() throws Exception {
    GatedEmbedder gated = new GatedEmbedder(model);
    gated.openForGood();
    // 40 batches through room for 3 at a time: the caller waits for its own batches to finish.
    try (EmbeddingService service =
        new EmbeddingService(gated, new EmbeddingOptions(1, 1, 2, Duration.ofSeconds(30)))) {
      List<String> texts = texts("large", 40);
      assertSameVectors(service.embedAll(texts), model.embed(texts));
      assertThat(gated.calls()).isEqualTo(40);
    }
  }

  @Test
  void closingFailsQueuedCallsLetsRunningOnesFinishAndRefusesNewOnes() throws Exception {
    Set<Thread> threadsBefore = poolThreads();
    GatedEmbedder gated = new GatedEmbedder(model);
    EmbeddingService service =
        new EmbeddingService(gated, new EmbeddingOptions(1, 1, 1, Duration.ofSeconds(30)));
    Future<float[]> running = callers.submit(() -> service.embed("running at close"));
    gated.awaitWaiting(1);
    Future<float[]> queued = callers.submit(() -> service.embed("queued at close"));
    awaitInFlight(service, 2);
    Future<float[]> waitingForRoom =
        callers.submit(() -> service.embed("waiting for room at close"));

    Future<?> closing = callers.submit(service::close);
    // The queued and the waiting caller are told at once, while the running batch still runs.
    assertThatThrownBy(queued::get).hasCauseInstanceOf(IllegalStateException.class);
    assertThatThrownBy(waitingForRoom::get).hasCauseInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> service.embed("after close"))
        .isInstanceOf(IllegalStateException.class);
    assertThat(closing.isDone()).isFalse();

    gated.openForGood();
    closing.get();
    assertThat(running.get()).hasSize(384);
    assertThat(gated.calls()).isEqualTo(1);
    assertThat(poolThreads()).isSubsetOf(threadsBefore);
  }

  /** The embedding pools' threads alive now. */
  private static Set<Thread> poolThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().startsWith("lakeshelf-embed-") && t.isAlive())
        .collect(Collectors.toSet());
  }

  @Test
  void aFailingModelFailsTheCallAndFreesTheRoom() throws Exception {
    TextEmbedder failing =
        new TextEmbedder() {
          @Override
          public String name() {
            return "failing";
          }

          @Override
          public int dimensions() {
            return 384;
          }

          @Override
          public boolean normalized() {
            return true;
          }

          @Override
          public float[][] embed(List<String> texts) {
            if (texts.contains("bad")) {
              throw new EmbeddingException("cannot embed 'bad'");
            }
            return model.embed(texts);
          }
        };
    try (EmbeddingService service =
        new EmbeddingService(failing, new EmbeddingOptions(2, 1, 0, Duration.ofSeconds(30)))) {
      assertThatThrownBy(() -> service.embedAll(List.of("fine", "also fine", "bad", "fine again")))
          .isInstanceOf(EmbeddingException.class)
          .hasMessageContaining("cannot embed 'bad'");
      // The call's other batch, if it was queued already, is dropped without running the model.
      awaitInFlight(service, 0);
      assertThat(service.embedAll(List.of("fine"))).hasNumberOfRows(1);
      assertThat(service.batchesInFlight()).isZero();
    }
  }

  @Test
  void aModelReturningVectorsOfTheWrongLengthIsCaught() throws Exception {
    TextEmbedder wrong =
        new TextEmbedder() {
          @Override
          public String name() {
            return "wrong";
          }

          @Override
          public int dimensions() {
            return 768;
          }

          @Override
          public boolean normalized() {
            return true;
          }

          @Override
          public float[][] embed(List<String> texts) {
            return model.embed(texts);
          }
        };
    try (EmbeddingService service =
        new EmbeddingService(wrong, new EmbeddingOptions(2, 1, 0, Duration.ofSeconds(30)))) {
      assertThatThrownBy(() -> service.embed("x"))
          .isInstanceOf(EmbeddingException.class)
          .hasMessageContaining("384 dimensions, not 768");
    }
  }

  @Test
  void optionsCheckTheirArguments() {
    assertThatThrownBy(() -> new EmbeddingOptions(0, 1, 0, Duration.ZERO))
        .hasMessageContaining("batchSize");
    assertThatThrownBy(() -> new EmbeddingOptions(2000, 1, 0, Duration.ZERO))
        .hasMessageContaining("batchSize");
    assertThatThrownBy(() -> new EmbeddingOptions(1, 0, 0, Duration.ZERO))
        .hasMessageContaining("threads");
    assertThatThrownBy(() -> new EmbeddingOptions(1, 1, -1, Duration.ZERO))
        .hasMessageContaining("queueCapacity");
    assertThatThrownBy(() -> new EmbeddingOptions(1, 1, 0, Duration.ofSeconds(-1)))
        .hasMessageContaining("admissionTimeout");
    EmbeddingOptions defaults = EmbeddingOptions.defaults();
    assertThat(defaults.threads()).isEqualTo(Runtime.getRuntime().availableProcessors());
    assertThat(defaults.maxBatchesInFlight())
        .isEqualTo(defaults.threads() + defaults.queueCapacity());
  }

  /** Waits until exactly {@code n} batches are in flight. */
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
