package io.lakeshelf.langchain4j;

import static dev.langchain4j.store.embedding.filter.MetadataFilterBuilder.metadataKey;
import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.data.document.Metadata;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.store.embedding.EmbeddingMatch;
import dev.langchain4j.store.embedding.EmbeddingSearchRequest;
import dev.langchain4j.store.embedding.EmbeddingStore;
import dev.langchain4j.store.embedding.EmbeddingStoreWithRemovalIT;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** LangChain4j's removal suite (by id, ids, filter and all) on Lakeshelf. */
class LakeshelfEmbeddingStoreWithRemovalIT extends EmbeddingStoreWithRemovalIT {

  @TempDir static Path dataDir;

  private static RunningLakeshelf service;
  private static LakeshelfEmbeddingStore store;

  @BeforeAll
  static void start() {
    // A low max-documents, so that a filter can match more than one delete may take.
    service = RunningLakeshelf.start(dataDir, "--lakeshelf.limits.max-documents=20");
    store =
        LakeshelfEmbeddingStore.builder()
            .baseUrl(service.baseUrl())
            .collectionName("lc4j-removal")
            .dimensions(RunningLakeshelf.DIMENSIONS)
            .batchSize(20)
            .build();
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

  /**
   * A filter matching more documents than one delete takes (Lakeshelf answers 413 and deletes
   * nothing) still removes them all, and only them.
   */
  @Test
  void removeAllByAFilterMatchingMoreThanOneDeleteTakes() {
    List<Embedding> embeddings = new ArrayList<>();
    List<TextSegment> segments = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      TextSegment s = TextSegment.from("segment " + i, new Metadata().put("group", i < 45 ? 1 : 2));
      segments.add(s);
      embeddings.add(embeddingModel().embed(s).content());
    }
    store.addAll(embeddings, segments);
    store.removeAll(metadataKey("group").isEqualTo(1));
    List<EmbeddingMatch<TextSegment>> left =
        store
            .search(
                EmbeddingSearchRequest.builder()
                    .queryEmbedding(embeddings.get(0))
                    .maxResults(100)
                    .build())
            .matches();
    assertThat(left).hasSize(5);
    assertThat(left).allMatch(m -> m.embedded().metadata().getInteger("group") == 2);
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
