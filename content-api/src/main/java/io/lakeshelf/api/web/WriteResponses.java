package io.lakeshelf.api.web;

import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.media.Schema.RequiredMode;

/** Answers of writes: the committed table version and how many rows changed. */
final class WriteResponses {

  private WriteResponses() {}

  /**
   * @param searchable whether search shows the commit when the answer is sent: false with {@code
   *     refresh=false}, or when the commit landed but its indexing failed (it follows in the next
   *     sync round); the commit stands either way
   */
  record Upserted(
      @Schema(requiredMode = RequiredMode.REQUIRED) long tableVersion,
      @Schema(requiredMode = RequiredMode.REQUIRED) int upserted,
      @Schema(requiredMode = RequiredMode.REQUIRED) boolean searchable) {}

  /**
   * @param searchable as for {@link Upserted}
   */
  record Deleted(
      @Schema(requiredMode = RequiredMode.REQUIRED) long tableVersion,
      @Schema(requiredMode = RequiredMode.REQUIRED) int deleted,
      @Schema(requiredMode = RequiredMode.REQUIRED) boolean searchable) {}
}
