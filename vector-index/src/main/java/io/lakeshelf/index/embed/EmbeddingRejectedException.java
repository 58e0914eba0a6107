package io.lakeshelf.index.embed;

import java.util.concurrent.RejectedExecutionException;

/**
 * An {@link EmbeddingService} had no room for a caller's texts within its admission timeout: the
 * pool was busy with other callers' batches. Nothing was embedded for the caller; trying again
 * later may succeed.
 */
public class EmbeddingRejectedException extends RejectedExecutionException {

  public EmbeddingRejectedException(String message) {
    super(message);
  }
}
