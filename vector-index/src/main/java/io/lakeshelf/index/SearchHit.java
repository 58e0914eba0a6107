package io.lakeshelf.index;

import io.lakeshelf.content.RowLocator;
import java.time.Instant;
import java.util.Objects;

/**
 * One nearest neighbour: the row's id, its score (higher is closer), where the row lives, and the
 * row's {@code ingested_at} as the index holds it (null when the table has no such column or the
 * row no value).
 */
public record SearchHit(String id, float score, RowLocator locator, Instant ingestedAt) {

  public SearchHit {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(locator, "locator");
    if (Float.isNaN(score)) {
      throw new IllegalArgumentException("score must be a number");
    }
  }

  /** A hit without an {@code ingested_at} value. */
  public SearchHit(String id, float score, RowLocator locator) {
    this(id, score, locator, null);
  }

  /** This hit with another score. */
  public SearchHit withScore(float newScore) {
    return new SearchHit(id, newScore, locator, ingestedAt);
  }
}
