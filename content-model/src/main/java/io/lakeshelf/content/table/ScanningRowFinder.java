package io.lakeshelf.content.table;

import io.delta.kernel.data.ColumnVector;
import io.delta.kernel.data.ColumnarBatch;
import io.delta.kernel.data.FilteredColumnarBatch;
import io.lakeshelf.content.RowLocator;
import io.lakeshelf.content.TableVersion;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Finds rows by reading the id column of every live file: a full scan. The reference a faster
 * finder (such as the vector index's id lookup) is checked against, and the fallback where no index
 * exists.
 */
public final class ScanningRowFinder implements RowFinder {

  private final ContentTable table;

  public ScanningRowFinder(ContentTable table) {
    this.table = table;
  }

  @Override
  public Map<String, List<RowLocator>> find(Collection<String> ids, TableVersion version)
      throws IOException {
    Set<String> wanted = new HashSet<>(ids);
    Map<String, List<RowLocator>> found = new HashMap<>();
    TableSnapshot snapshot = table.at(version);
    String idColumn = table.columns().id();
    for (LiveFile file : snapshot.liveFiles().values()) {
      snapshot.readRows(
          file, List.of(idColumn), batch -> collect(batch, file.path(), wanted, found));
    }
    return found;
  }

  private static void collect(
      FilteredColumnarBatch batch,
      String path,
      Set<String> wanted,
      Map<String, List<RowLocator>> found) {
    ColumnarBatch data = batch.getData();
    ColumnVector id = data.getColumnVector(0);
    ColumnVector rowIndex = data.getColumnVector(1);
    Optional<ColumnVector> selection = batch.getSelectionVector();
    for (int i = 0; i < data.getSize(); i++) {
      if (selection.isPresent()
          && (selection.get().isNullAt(i) || !selection.get().getBoolean(i))) {
        continue;
      }
      if (!id.isNullAt(i) && wanted.contains(id.getString(i))) {
        found
            .computeIfAbsent(id.getString(i), k -> new ArrayList<>())
            .add(new RowLocator(path, rowIndex.getLong(i)));
      }
    }
  }
}
