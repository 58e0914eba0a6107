package io.lakeshelf.langchain4j;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.store.embedding.EmbeddingStore;
import dev.langchain4j.store.embedding.EmbeddingStoreWithRemovalIT;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** LangChain4j's removal suite (by id, ids, filter and all) on Lakeshelf. */
class LakeshelfEmbeddingStoreWithRemovalIT extends EmbeddingStoreWithRemovalIT {

  @TempDir static Path dataDir;

  private static RunningLakeshelf service;
  private static LakeshelfEmbeddingStore store;

  @BeforeAll
  static void start() {
    service = RunningLakeshelf.start(dataDir);
    store = service.store("lc4j-removal");
  }

  @AfterAll
  static void stop() {
    store.close();
    service.close();
  }

  /** The suite counts what it added: each test starts from an empty collection. */
  @BeforeEach
  void clear() {
    store.removeAll();
  }

  @Override
  protected EmbeddingStore<TextSegment> embeddingStore() {
    return store;
  }

  @Override
  protected EmbeddingModel embeddingModel() {
    return RunningLakeshelf.embeddingModel();
  }
}
