package io.lakeshelf.index.sync;

import io.lakeshelf.index.IndexManifest;
import io.lakeshelf.index.filter.FilterField;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a sync does, computed from the index's state and the snapshot's live files alone: which
 * files to drop, which to read and index, which files' deletion vectors changed (their newly masked
 * rows are deleted), and whether to start from scratch. Pure: no I/O, no Lucene.
 *
 * <p>An index is rebuilt when the table was replaced (a new table id under the same location) or
 * when the filterable fields resolve to other types or columns than the index was built with. A
 * rebuild drops every indexed file at once, so it lists none as removed and every live file as
 * added.
 *
 * @param replaced the table id changed (an index that never saw a table id is not replaced)
 * @param fieldsChanged the filterable fields changed since the index reflected a table version
 * @param removed indexed files no longer live
 * @param added live files the index does not hold, in log order
 * @param deletionVectorChanged indexed live files with another deletion vector than indexed, in log
 *     order
 * @param indexedAfter the files the index holds after the sync with their deletion vector keys
 *     (empty for none): every live file
 */
public record SyncPlan(
    boolean replaced,
    boolean fieldsChanged,
    List<String> removed,
    List<String> added,
    List<String> deletionVectorChanged,
    Map<String, String> indexedAfter) {

  public SyncPlan {
    removed = List.copyOf(removed);
    added = List.copyOf(added);
    deletionVectorChanged = List.copyOf(deletionVectorChanged);
    indexedAfter = Collections.unmodifiableMap(new HashMap<>(indexedAfter));
  }

  /** Whether the index is emptied first and the table indexed from scratch. */
  public boolean rebuild() {
    return replaced || fieldsChanged;
  }

  /**
   * Plans a sync.
   *
   * @param before what the index reflects
   * @param indexed the files the index holds with their deletion vector keys (empty for none)
   * @param tableId the snapshot's table id
   * @param fields the filterable fields resolved against the snapshot's schema
   * @param live the snapshot's live files in log order with their deletion vector keys (null for
   *     none)
   */
  public static SyncPlan of(
      IndexManifest before,
      Map<String, String> indexed,
      String tableId,
      List<FilterField> fields,
      Map<String, String> live) {
    boolean replaced = !before.tableId().isEmpty() && !before.tableId().equals(tableId);
    boolean fieldsChanged =
        !before.tableVersion().isNone() && !fields.equals(before.filterFields());
    Map<String, String> files = replaced || fieldsChanged ? Map.of() : indexed;
    List<String> removed = new ArrayList<>();
    for (String file : files.keySet()) {
      if (!live.containsKey(file)) {
        removed.add(file);
      }
    }
    List<String> added = new ArrayList<>();
    List<String> changed = new ArrayList<>();
    Map<String, String> after = new LinkedHashMap<>();
    for (Map.Entry<String, String> file : live.entrySet()) {
      if (!files.containsKey(file.getKey())) {
        added.add(file.getKey());
      } else if (!Objects.equals(emptyToNull(files.get(file.getKey())), file.getValue())) {
        changed.add(file.getKey());
      }
      after.put(file.getKey(), file.getValue() == null ? "" : file.getValue());
    }
    return new SyncPlan(replaced, fieldsChanged, removed, added, changed, after);
  }

  private static String emptyToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }
}
