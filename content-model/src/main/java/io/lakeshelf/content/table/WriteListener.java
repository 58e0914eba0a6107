package io.lakeshelf.content.table;

import io.lakeshelf.content.TableVersion;
import java.util.List;

/**
 * Observes a write between its data files being written and its commit. Used for logging and to
 * prove, in tests, that a process dying at that point leaves the table as it was.
 */
@FunctionalInterface
public interface WriteListener {

  WriteListener NONE = (readVersion, files) -> {};

  /** Called after {@code dataFiles} are written and before the commit that would add them. */
  void beforeCommit(TableVersion readVersion, List<String> dataFiles);
}
