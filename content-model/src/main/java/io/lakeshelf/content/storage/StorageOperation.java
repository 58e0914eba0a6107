package io.lakeshelf.content.storage;

import java.util.Locale;

/**
 * The kinds of request Lakeshelf makes to a store, as the {@code operation} tag of its metric names
 * them.
 */
public enum StorageOperation {
  /** A whole-object read. */
  GET,
  /** A read of a byte range of an object. */
  RANGE_GET,
  /** An object's or a bucket's metadata. */
  HEAD,
  /** A directory or prefix listing. */
  LIST,
  /** An object write. */
  PUT,
  /** An object removal. */
  DELETE;

  /** The name in metric tags: {@code get}, {@code range_get}, ... */
  public String tagValue() {
    return name().toLowerCase(Locale.ROOT);
  }
}
