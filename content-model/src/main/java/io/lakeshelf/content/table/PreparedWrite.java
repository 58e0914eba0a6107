package io.lakeshelf.content.table;

import io.delta.kernel.data.Row;
import io.lakeshelf.content.RowLocator;
import java.util.List;
import java.util.Set;

/**
 * The data files of a write and the log actions that add them and remove the files they rewrite.
 */
record PreparedWrite(Set<RowLocator> replaced, List<Row> actions, List<String> written) {}
