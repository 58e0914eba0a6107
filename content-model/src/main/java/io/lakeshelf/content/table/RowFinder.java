package io.lakeshelf.content.table;

import io.lakeshelf.content.RowLocator;
import io.lakeshelf.content.TableVersion;
import java.io.IOException;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Finds the live rows that hold given ids at a table version, so that a write can rewrite the files
 * holding rows it replaces or deletes. Lakeshelf's vector index implements it; the answer must
 * reflect exactly {@code version}.
 */
@FunctionalInterface
public interface RowFinder {

  /**
   * The locators of every live row with each of these ids at {@code version}: one per id in a table
   * Lakeshelf writes, possibly more in a table another writer made. Absent ids are left out.
   */
  Map<String, List<RowLocator>> find(Collection<String> ids, TableVersion version)
      throws IOException;
}
