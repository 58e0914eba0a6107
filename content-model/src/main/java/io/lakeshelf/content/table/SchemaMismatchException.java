package io.lakeshelf.content.table;

import io.lakeshelf.content.ContentException;

/** A table lacks a column it is read for, or holds it with the wrong type. */
public final class SchemaMismatchException extends ContentException {

  public SchemaMismatchException(String message) {
    super(Reason.SCHEMA_MISMATCH, message);
  }
}
