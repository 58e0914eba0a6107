package io.lakeshelf.index;

import io.lakeshelf.content.RowLocator;
import java.util.Objects;

/** One nearest neighbour: the row's id, its score (higher is closer) and where the row lives. */
public record SearchHit(String id, float score, RowLocator locator) {

  public SearchHit {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(locator, "locator");
    if (Float.isNaN(score)) {
      throw new IllegalArgumentException("score must be a number");
    }
  }
}
