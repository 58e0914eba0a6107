package io.lakeshelf.springai;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.ai.test.vectorstore.BaseVectorStoreTests;
import org.springframework.ai.vectorstore.VectorStore;

/**
 * Spring AI's own suite for vector stores (delete by id, by filter expression and by its string
 * form) against the real service, one started for the class; each test gets a new collection.
 */
class LakeshelfVectorStoreIT extends BaseVectorStoreTests {

  @TempDir static Path dataDir;
  static RunningLakeshelf service;
  static final AtomicInteger collections = new AtomicInteger();

  @BeforeAll
  static void start() {
    service = RunningLakeshelf.start(dataDir);
  }

  @AfterAll
  static void stop() {
    if (service != null) {
      service.close();
    }
  }

  @Override
  protected void executeTest(Consumer<VectorStore> testFunction) {
    LakeshelfVectorStore store =
        LakeshelfVectorStore.builder(service.client(), MiniLmEmbeddingModel.INSTANCE)
            .collectionName("base_tests_" + collections.incrementAndGet())
            .initializeSchema(true)
            .build();
    store.afterPropertiesSet();
    testFunction.accept(store);
  }
}
