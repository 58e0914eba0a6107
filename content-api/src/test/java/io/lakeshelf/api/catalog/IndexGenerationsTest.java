package io.lakeshelf.api.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakeshelf.api.error.ApiException;
import io.lakeshelf.content.Similarity;
import io.lakeshelf.content.VectorSpec;
import io.lakeshelf.index.IndexOptions;
import io.lakeshelf.index.VectorIndex;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The one acquire/switch implementation ({@link IndexSet}) and the one generation lifecycle ({@link
 * NewGeneration}) that a change of a collection and a reindex share.
 */
class IndexGenerationsTest {

  private static final VectorSpec BODY =
      new VectorSpec("body", "body_embedding", 2, Similarity.COSINE);
  private static final VectorSpec TITLE =
      new VectorSpec("title", "title_embedding", 2, Similarity.COSINE);

  @TempDir Path dir;

  private IndexDirectories dirs() {
    return new IndexDirectories(dir.resolve("index"));
  }

  private VectorIndex open(IndexDirectories dirs, VectorSpec spec) throws IOException {
    return VectorIndex.open(dirs.current(spec.name()), spec, IndexOptions.DEFAULT);
  }

  @Test
  void usingPicksTheVectorAndRefusesUnknownOrMissingNames() throws IOException {
    IndexDirectories dirs = dirs();
    try (IndexSet one = new IndexSet("c", Map.of("body", open(dirs, BODY)))) {
      assertThat(one.index(null).spec()).isEqualTo(BODY);
      assertThatThrownBy(() -> one.index("title"))
          .isInstanceOf(ApiException.class)
          .hasMessage("collection 'c' has no vector 'title'; it has [body]");
    }
    Map<String, VectorIndex> two = new LinkedHashMap<>();
    two.put("body", open(dirs, BODY));
    two.put("title", open(dirs, TITLE));
    try (IndexSet both = new IndexSet("c", two)) {
      assertThatThrownBy(() -> both.index(null))
          .isInstanceOf(ApiException.class)
          .hasMessageContaining("has several vectors [body, title]");
      assertThat(both.primary().spec()).isEqualTo(BODY);
      assertThat(both.index("title").spec()).isEqualTo(TITLE);
    }
  }

  @Test
  void aViewTakenBeforeASwitchStaysUsableAndLaterViewsSeeTheNewIndex() throws IOException {
    IndexDirectories dirs = dirs();
    VectorIndex old = open(dirs, BODY);
    VectorIndex fresh = VectorIndex.open(dirs.newGeneration("body"), BODY, IndexOptions.DEFAULT);
    try (IndexSet set = new IndexSet("c", Map.of("body", old))) {
      VectorIndex.View before = set.acquirePrimary();
      Map<String, VectorIndex> replaced = set.replace(Map.of("body", fresh));
      assertThat(replaced).containsEntry("body", old);
      old.close();
      assertThat(before.version().isNone()).isTrue(); // still readable after the close
      before.close();
      try (VectorIndex.View after = set.acquire("body")) {
        assertThat(set.primary()).isSameAs(fresh);
        assertThat(after).isNotNull();
      }
    }
  }

  @Test
  void acquireNeverFailsWhileGenerationsAreSwitchedAndClosed() throws Exception {
    IndexDirectories dirs = dirs();
    IndexSet set = new IndexSet("c", Map.of("body", open(dirs, BODY)));
    AtomicBoolean stop = new AtomicBoolean();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    AtomicLong views = new AtomicLong();
    List<Thread> readers = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      readers.add(
          Thread.ofPlatform()
              .start(
                  () -> {
                    try {
                      while (!stop.get()) {
                        try (VectorIndex.View view = set.acquire(null)) {
                          view.version();
                          views.incrementAndGet();
                        }
                      }
                    } catch (Throwable e) {
                      failure.set(e);
                    }
                  }));
    }
    for (int i = 0; i < 20; i++) {
      VectorIndex next = VectorIndex.open(dirs.newGeneration("body"), BODY, IndexOptions.DEFAULT);
      NewGeneration.retire(set.replace(Map.of("body", next)).values());
    }
    stop.set(true);
    for (Thread r : readers) {
      r.join();
    }
    set.close();
    assertThat(failure.get()).isNull();
    assertThat(views.get()).isPositive();
    // every retired generation was deleted: only the serving one is left
    try (var left = Files.list(dir.resolve("index/body"))) {
      assertThat(left.filter(Files::isDirectory).count()).isEqualTo(1);
    }
  }

  @Test
  void aGenerationNotSwitchedToIsDiscarded() throws IOException {
    IndexDirectories dirs = dirs();
    VectorIndex serving = open(dirs, BODY);
    Path fresh;
    try (NewGeneration generation = new NewGeneration(dirs)) {
      fresh = generation.open(BODY, IndexOptions.DEFAULT).path();
      assertThat(fresh).isDirectory().isNotEqualTo(serving.path());
    }
    assertThat(fresh).doesNotExist();
    assertThat(dirs.current("body")).isEqualTo(serving.path());
    try (VectorIndex.View view = serving.tryAcquire()) {
      assertThat(view).isNotNull(); // the serving index was not touched
    }
    serving.close();
  }

  @Test
  void aFailedSwitchChangesNothing() throws IOException, InterruptedException {
    IndexDirectories dirs = dirs();
    VectorIndex serving = open(dirs, BODY);
    Path fresh;
    try (NewGeneration generation = new NewGeneration(dirs)) {
      fresh = generation.open(BODY, IndexOptions.DEFAULT).path();
      assertThatThrownBy(
              () ->
                  generation.switchTo(
                      f -> {
                        throw new IllegalStateException("collection c stayed busy");
                      }))
          .isInstanceOf(IllegalStateException.class);
    }
    assertThat(fresh).doesNotExist();
    assertThat(dirs.current("body")).isEqualTo(serving.path());
    assertThat(serving.path()).isDirectory();
    serving.close();
  }

  @Test
  void aSwitchMakesTheNewGenerationCurrentAndRetiresTheReplaced()
      throws IOException, InterruptedException {
    IndexDirectories dirs = dirs();
    IndexSet set = new IndexSet("c", Map.of("body", open(dirs, BODY)));
    VectorIndex old = set.primary();
    Path fresh;
    try (NewGeneration generation = new NewGeneration(dirs)) {
      fresh = generation.open(BODY, IndexOptions.DEFAULT).path();
      generation.switchTo(f -> set.replace(f).values());
    }
    assertThat(fresh).isDirectory(); // closing a switched generation keeps it
    assertThat(dirs.current("body")).isEqualTo(fresh);
    assertThat(old.path()).doesNotExist();
    assertThat(old.tryAcquire()).isNull(); // closed
    try (VectorIndex.View view = set.acquirePrimary()) {
      assertThat(set.primary().path()).isEqualTo(fresh);
    }
    set.close();
  }

  @Test
  void theLockTellsWhatHoldsIt() throws InterruptedException {
    CollectionLock lock = new CollectionLock("c");
    assertThat(lock.tryHold(CollectionLock.Holder.SYNC)).isTrue();
    assertThat(lock.holder()).isEqualTo(CollectionLock.Holder.SYNC);
    AtomicReference<Throwable> refused = new AtomicReference<>();
    Thread writer =
        Thread.ofPlatform()
            .start(
                () -> {
                  try {
                    lock.holdForRequest(
                        CollectionLock.Holder.WRITE, java.time.Duration.ofMillis(50));
                  } catch (Throwable e) {
                    refused.set(e);
                  }
                });
    writer.join();
    assertThat(refused.get())
        .isInstanceOfSatisfying(
            ApiException.class,
            e -> {
              assertThat(e.code()).isEqualTo(io.lakeshelf.api.error.ErrorCode.OVERLOADED);
              assertThat(e.getMessage()).contains("bringing its index up to its table");
            });
    lock.release();
    assertThat(lock.holder()).isNull();
    assertThat(lock.busy(CollectionLock.Holder.REINDEX).code())
        .isEqualTo(io.lakeshelf.api.error.ErrorCode.REINDEX_IN_PROGRESS);
    assertThat(lock.busy(CollectionLock.Holder.WRITE).code())
        .isEqualTo(io.lakeshelf.api.error.ErrorCode.OVERLOADED);
    // reentrant: a write that syncs its own commit keeps saying it is a write
    assertThat(lock.tryHold(CollectionLock.Holder.WRITE)).isTrue();
    assertThat(lock.tryHold(CollectionLock.Holder.SYNC)).isTrue();
    assertThat(lock.holder()).isEqualTo(CollectionLock.Holder.WRITE);
    lock.release();
    assertThat(lock.holder()).isEqualTo(CollectionLock.Holder.WRITE);
    lock.release();
    assertThat(lock.holder()).isNull();
  }
}
