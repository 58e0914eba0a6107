package io.lakeshelf.content.table;

/** A table lacks a column it is read for, or holds it with the wrong type. */
public final class SchemaMismatchException extends RuntimeException {

  public SchemaMismatchException(String message) {
    super(message);
  }
}
