package io.lakeshelf.langchain4j;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.store.embedding.EmbeddingStore;
import dev.langchain4j.store.embedding.EmbeddingStoreIT;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** LangChain4j's minimum store suite (adds, ids, scores, minScore, metadata) on Lakeshelf. */
class LakeshelfEmbeddingStoreIT extends EmbeddingStoreIT {

  @TempDir static Path dataDir;

  private static RunningLakeshelf service;
  private static LakeshelfEmbeddingStore store;

  @BeforeAll
  static void start() {
    service = RunningLakeshelf.start(dataDir);
    store = service.store("lc4j-store");
  }

  @AfterAll
  static void stop() {
    store.close();
    service.close();
  }

  @Override
  protected EmbeddingStore<TextSegment> embeddingStore() {
    return store;
  }

  @Override
  protected EmbeddingModel embeddingModel() {
    return RunningLakeshelf.embeddingModel();
  }

  @Override
  protected void clearStore() {
    store.removeAll();
  }
}
