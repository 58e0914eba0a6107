package io.lakeshelf.content.storage;

/**
 * Told of every request made to a store, each retry included: the {@code
 * lakeshelf.storage.requests} metric and the tests that pin how many requests an operation costs
 * listen here. Called on the requesting thread; must be cheap and thread-safe.
 */
@FunctionalInterface
public interface StorageRequestListener {

  /** A listener that ignores requests. */
  StorageRequestListener NONE = (store, operation) -> {};

  /**
   * @param store {@code s3} or {@code local}
   * @param operation what was asked
   */
  void onRequest(String store, StorageOperation operation);
}
