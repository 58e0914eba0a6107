package io.lakeshelf.api.catalog;

import io.lakeshelf.content.Similarity;
import io.lakeshelf.content.VectorSpec;

/** A named vector as a collection definition stores it. */
public record VectorDefinition(String column, int dimensions, String similarity) {

  public VectorSpec toSpec(String name) {
    return new VectorSpec(name, column, dimensions, Similarity.fromWireName(similarity));
  }

  public static VectorDefinition of(VectorSpec spec) {
    return new VectorDefinition(spec.column(), spec.dimensions(), spec.similarity().wireName());
  }
}
