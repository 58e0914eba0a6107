package io.lakeshelf.content.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The blob-store contract on a local directory. */
class LocalBlobStoreTest extends BlobStoreContractTest {

  private int stores;

  @Override
  protected BlobStore newStore() {
    return new LocalBlobStore(temp.resolve("store-" + stores++));
  }

  @Test
  void temporaryFilesAreNeverListedNorLeftBehind() throws Exception {
    Path root = temp.resolve("plain");
    BlobStore store = new LocalBlobStore(root);
    store.createIfAbsent("a/b", "x".getBytes(StandardCharsets.UTF_8));
    store.createIfAbsent("a/b", "y".getBytes(StandardCharsets.UTF_8));
    store.put("a/c", "z".getBytes(StandardCharsets.UTF_8));
    Files.writeString(root.resolve("a/.c.123.tmp"), "half");
    assertThat(store.list("a/")).extracting(BlobStore.Entry::key).containsExactly("a/b", "a/c");
    try (var files = Files.list(root.resolve("a"))) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder("b", "c", ".c.123.tmp");
    }
  }
}
