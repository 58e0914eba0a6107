package io.lakeshelf.index.embed;

import io.lakeshelf.index.IndexException;
import java.util.concurrent.RejectedExecutionException;

/**
 * An {@link EmbeddingService} had no room for a caller's texts within its admission timeout: the
 * pool was busy with other callers' batches. Nothing was embedded for the caller; trying again
 * later may succeed.
 *
 * <p>A {@link RejectedExecutionException}, as callers of a bounded pool expect; its reason is
 * {@link io.lakeshelf.index.IndexException.Reason#EMBEDDING_OVERLOADED}.
 */
public class EmbeddingRejectedException extends RejectedExecutionException {

  public EmbeddingRejectedException(String message) {
    super(message);
  }

  /** Always {@link io.lakeshelf.index.IndexException.Reason#EMBEDDING_OVERLOADED}. */
  public IndexException.Reason reason() {
    return IndexException.Reason.EMBEDDING_OVERLOADED;
  }
}
