package io.lakeshelf.api.web;

/** Answers of writes: the committed table version and how many rows changed. */
final class WriteResponses {

  private WriteResponses() {}

  record Upserted(long tableVersion, int upserted) {}

  record Deleted(long tableVersion, int deleted) {}
}
