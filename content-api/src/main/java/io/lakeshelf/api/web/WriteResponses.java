package io.lakeshelf.api.web;

/** Answers of writes: the committed table version and how many rows changed. */
final class WriteResponses {

  private WriteResponses() {}

  /**
   * @param searchable whether search shows the commit when the answer is sent: false with {@code
   *     refresh=false}, or when the commit landed but its indexing failed (it follows in the next
   *     sync round); the commit stands either way
   */
  record Upserted(long tableVersion, int upserted, boolean searchable) {}

  /** @param searchable as for {@link Upserted} */
  record Deleted(long tableVersion, int deleted, boolean searchable) {}
}
