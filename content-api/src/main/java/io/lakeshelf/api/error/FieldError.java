package io.lakeshelf.api.error;

/** One bad document of a batch: its position, id (if it had one), the field and what is wrong. */
public record FieldError(int index, String id, String field, String reason) {}
