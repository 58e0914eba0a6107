package io.lakeshelf.content.storage;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The table-storage contract on the local file system. */
class LocalTableStorageIT extends TableStorageContractTest {

  @TempDir Path dir;

  @Override
  protected String newLocation() {
    return "file:" + dir.resolve(unique());
  }

  @Override
  protected StorageEngine engine(StorageRequestListener listener) {
    return TableEngines.create(
        () -> {
          throw new IllegalStateException("no S3 here");
        },
        listener,
        TableEngines.DEFAULT_TAIL_CACHE_BYTES,
        TableEngines.DEFAULT_TAIL_READ_SIZE,
        PageCache.DEFAULT_BYTES);
  }
}
