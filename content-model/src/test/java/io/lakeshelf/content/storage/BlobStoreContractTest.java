package io.lakeshelf.content.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.FileNotFoundException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every {@link BlobStore} must do, whatever holds the objects: a shared catalog's definitions
 * and index snapshots rely on each point. Subclasses give a fresh, empty store per test.
 */
abstract class BlobStoreContractTest {

  @TempDir Path temp;

  /** A fresh, empty store. */
  protected abstract BlobStore newStore() throws Exception;

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void aMissingObjectReadsAsEmptyAndDoesNotExist() throws Exception {
    BlobStore store = newStore();
    assertThat(store.read("a/b.json")).isEmpty();
    assertThat(store.exists("a/b.json")).isFalse();
    assertThat(store.list("a/")).isEmpty();
    store.delete("a/b.json"); // no error
  }

  @Test
  void createIfAbsentWritesOnceAndNeverOverwrites() throws Exception {
    BlobStore store = newStore();
    assertThat(store.createIfAbsent("defs/c/0000000001.json", utf8("first"))).isTrue();
    assertThat(store.createIfAbsent("defs/c/0000000001.json", utf8("second"))).isFalse();
    assertThat(
            new String(store.read("defs/c/0000000001.json").orElseThrow(), StandardCharsets.UTF_8))
        .isEqualTo("first");
    assertThat(store.exists("defs/c/0000000001.json")).isTrue();
  }

  @Test
  void ofManyRacingCreatorsExactlyOneWins() throws Exception {
    BlobStore store = newStore();
    int racers = 8;
    ExecutorService pool = Executors.newFixedThreadPool(racers);
    try {
      for (int round = 0; round < 5; round++) {
        String key = "race/" + round + ".json";
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Boolean>> outcomes = new ArrayList<>();
        for (int r = 0; r < racers; r++) {
          byte[] content = utf8("racer " + r);
          outcomes.add(
              pool.submit(
                  () -> {
                    start.await();
                    return store.createIfAbsent(key, content);
                  }));
        }
        start.countDown();
        int winners = 0;
        for (Future<Boolean> f : outcomes) {
          winners += f.get() ? 1 : 0;
        }
        assertThat(winners).as("winners of round " + round).isEqualTo(1);
        assertThat(new String(store.read(key).orElseThrow(), StandardCharsets.UTF_8))
            .startsWith("racer ");
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void putReplacesWhole() throws Exception {
    BlobStore store = newStore();
    store.put("x/y", utf8("one"));
    store.put("x/y", utf8("two"));
    assertThat(store.read("x/y").orElseThrow()).isEqualTo(utf8("two"));
  }

  @Test
  void listFindsEveryKeyUnderThePrefixSortedWithSizes() throws Exception {
    BlobStore store = newStore();
    store.put("snapshots/c/v/b.json", utf8("bb"));
    store.put("snapshots/c/v/a.json", utf8("a"));
    store.put("snapshots/c/v/data/u1/_0.cfs", utf8("cfs"));
    store.put("snapshots/c/w/a.json", utf8("other vector"));
    store.put("snapshots/cc/v/a.json", utf8("other collection"));
    List<BlobStore.Entry> under = store.list("snapshots/c/v/");
    assertThat(under)
        .extracting(BlobStore.Entry::key)
        .containsExactly(
            "snapshots/c/v/a.json", "snapshots/c/v/b.json", "snapshots/c/v/data/u1/_0.cfs");
    assertThat(under).extracting(BlobStore.Entry::size).containsExactly(1L, 2L, 3L);
    // a prefix that is not a whole segment matches the keys starting with it
    assertThat(store.list("snapshots/c")).hasSize(5);
    assertThat(store.list("snapshots/c/")).hasSize(4);
  }

  @Test
  void uploadAndDownloadCarryTheBytesExactly() throws Exception {
    BlobStore store = newStore();
    byte[] content = new byte[3 << 20];
    new Random(7).nextBytes(content);
    Path file = Files.write(temp.resolve("segment.bin"), content);
    store.upload("snapshots/c/v/data/u/_0.vec", file);
    Path back = temp.resolve("back/_0.vec");
    store.download("snapshots/c/v/data/u/_0.vec", back);
    assertThat(Files.readAllBytes(back)).isEqualTo(content);
    // a download replaces what the target held
    Files.write(back, utf8("stale"));
    store.download("snapshots/c/v/data/u/_0.vec", back);
    assertThat(Files.readAllBytes(back)).isEqualTo(content);
    assertThatThrownBy(() -> store.download("snapshots/none", temp.resolve("none")))
        .isInstanceOf(FileNotFoundException.class);
  }

  @Test
  void deleteRemovesOnlyThatKey() throws Exception {
    BlobStore store = newStore();
    store.put("d/1", utf8("1"));
    store.put("d/2", utf8("2"));
    store.delete("d/1");
    assertThat(store.list("d/")).extracting(BlobStore.Entry::key).containsExactly("d/2");
  }

  @Test
  void keysThatLeaveTheRootAreRefused() throws Exception {
    BlobStore store = newStore();
    for (String key : List.of("../x", "a/../../x", "/abs", "a//b", "a/./b", "a\\b", "", "a/")) {
      assertThatThrownBy(() -> store.put(key, utf8("x")))
          .as(key)
          .isInstanceOf(IllegalArgumentException.class);
    }
  }
}
