package io.lakeshelf.content.table;

import io.lakeshelf.content.RowLocator;
import io.lakeshelf.content.TableVersion;
import java.io.IOException;
import java.util.Collection;
import java.util.Map;

/**
 * Finds the live rows that hold given ids at a table version, so that a write can rewrite the
 * files holding rows it replaces or deletes. Lakeshelf's vector index implements it; the answer
 * must reflect exactly {@code version}.
 */
@FunctionalInterface
public interface RowFinder {

  /** The locators of the live rows with these ids at {@code version}; absent ids are left out. */
  Map<String, RowLocator> find(Collection<String> ids, TableVersion version) throws IOException;
}
