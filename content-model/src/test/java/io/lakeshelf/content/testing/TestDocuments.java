package io.lakeshelf.content.testing;

import io.lakeshelf.content.Document;
import io.lakeshelf.content.ImageAnchor;
import io.lakeshelf.content.Similarity;
import io.lakeshelf.content.VectorSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Documents and vectors for tests, made from a seed so that a failure can be replayed. */
public final class TestDocuments {

  public static final VectorSpec BODY_4D =
      new VectorSpec("body", "body_embedding", 4, Similarity.COSINE);

  private TestDocuments() {}

  public static Document doc(String id, float... vector) {
    return new Document(
        id,
        "Title " + id,
        "Text of " + id,
        List.of(
            new ImageAnchor(
                "s3://bucket/img/" + id + ".png", "image/png", 1234L, "ab12", "SHA-256")),
        Map.of("body", vector),
        Map.of("source", "test", "n", id),
        null);
  }

  public static float[] randomVector(Random random, int dimensions) {
    float[] v = new float[dimensions];
    for (int i = 0; i < dimensions; i++) {
      v[i] = (float) random.nextGaussian();
    }
    return v;
  }

  public static List<Document> randomDocs(
      Random random, String prefix, int count, VectorSpec spec) {
    List<Document> docs = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      String id = prefix + i;
      docs.add(
          new Document(
              id,
              "Title " + id,
              "Text " + id,
              List.of(),
              Map.of(spec.name(), randomVector(random, spec.dimensions())),
              Map.of("i", Integer.toString(i)),
              null));
    }
    return docs;
  }
}
