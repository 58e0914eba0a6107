package io.lakeshelf.index.sync;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakeshelf.content.Similarity;
import io.lakeshelf.content.TableVersion;
import io.lakeshelf.content.VectorSpec;
import io.lakeshelf.index.IndexManifest;
import io.lakeshelf.index.IndexOptions;
import io.lakeshelf.index.filter.FieldType;
import io.lakeshelf.index.filter.FilterField;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The sync's diff of live files against indexed files, without an index. */
class SyncPlanTest {

  private static final IndexManifest EMPTY =
      IndexManifest.empty(
          new VectorSpec("v", "v_embedding", 3, Similarity.COSINE), IndexOptions.DEFAULT);
  private static final List<FilterField> LANG =
      List.of(new FilterField("lang", "lang", null, FieldType.KEYWORD));
  private static final IndexManifest AT_3 = EMPTY.at(TableVersion.of(3), "table-1", LANG);

  /** Live files in the given order: path, deletion vector key (null for none), path, key, ... */
  private static Map<String, String> live(String... pathsAndKeys) {
    Map<String, String> files = new LinkedHashMap<>();
    for (int i = 0; i < pathsAndKeys.length; i += 2) {
      files.put(pathsAndKeys[i], pathsAndKeys[i + 1]);
    }
    return files;
  }

  private static Map<String, String> indexed(String... pathsAndKeys) {
    return new HashMap<>(live(pathsAndKeys));
  }

  @Test
  void aFirstSyncAddsEveryLiveFileInLogOrder() {
    SyncPlan plan =
        SyncPlan.of(EMPTY, Map.of(), "table-1", LANG, live("c", null, "a", "dv1", "b", null));
    assertThat(plan.rebuild()).isFalse();
    assertThat(plan.added()).containsExactly("c", "a", "b");
    assertThat(plan.removed()).isEmpty();
    assertThat(plan.deletionVectorChanged()).isEmpty();
    assertThat(plan.indexedAfter()).isEqualTo(Map.of("c", "", "a", "dv1", "b", ""));
  }

  @Test
  void filesNoLongerLiveAreRemovedAndNewOnesAdded() {
    SyncPlan plan =
        SyncPlan.of(
            AT_3,
            indexed("a", "", "b", "", "c", "dv1"),
            "table-1",
            LANG,
            live("b", null, "d", null, "e", "dv9"));
    assertThat(plan.rebuild()).isFalse();
    assertThat(plan.removed()).containsExactlyInAnyOrder("a", "c");
    assertThat(plan.added()).containsExactly("d", "e");
    assertThat(plan.deletionVectorChanged()).isEmpty();
    assertThat(plan.indexedAfter()).isEqualTo(Map.of("b", "", "d", "", "e", "dv9"));
  }

  @Test
  void aNewDeletionVectorOnAnIndexedFileIsAChangeNotAnAddition() {
    SyncPlan plan =
        SyncPlan.of(
            AT_3,
            indexed("a", "", "b", "dv1", "c", "dv2"),
            "table-1",
            LANG,
            live("a", "dv3", "b", "dv1", "c", "dv4"));
    assertThat(plan.deletionVectorChanged()).containsExactly("a", "c");
    assertThat(plan.added()).isEmpty();
    assertThat(plan.removed()).isEmpty();
    assertThat(plan.indexedAfter()).isEqualTo(Map.of("a", "dv3", "b", "dv1", "c", "dv4"));
  }

  @Test
  void anEmptyIndexedKeyMatchesAFileWithoutDeletionVector() {
    Map<String, String> indexed = new HashMap<>();
    indexed.put("a", "");
    indexed.put("b", null);
    SyncPlan plan = SyncPlan.of(AT_3, indexed, "table-1", LANG, live("a", null, "b", null));
    assertThat(plan.deletionVectorChanged()).isEmpty();
    assertThat(plan.added()).isEmpty();
    assertThat(plan.removed()).isEmpty();
  }

  @Test
  void unchangedFilesPlanNothing() {
    SyncPlan plan =
        SyncPlan.of(
            AT_3, indexed("a", "", "b", "dv1"), "table-1", LANG, live("a", null, "b", "dv1"));
    assertThat(plan.rebuild()).isFalse();
    assertThat(plan.added()).isEmpty();
    assertThat(plan.removed()).isEmpty();
    assertThat(plan.deletionVectorChanged()).isEmpty();
  }

  @Test
  void aReplacedTableIsRebuiltFromEveryLiveFile() {
    SyncPlan plan =
        SyncPlan.of(
            AT_3, indexed("a", "", "b", "dv1"), "table-2", LANG, live("a", null, "c", null));
    assertThat(plan.replaced()).isTrue();
    assertThat(plan.fieldsChanged()).isFalse();
    assertThat(plan.rebuild()).isTrue();
    assertThat(plan.removed()).as("a rebuild drops everything at once").isEmpty();
    assertThat(plan.added()).containsExactly("a", "c");
    assertThat(plan.deletionVectorChanged()).isEmpty();
    assertThat(plan.indexedAfter()).isEqualTo(Map.of("a", "", "c", ""));
  }

  @Test
  void anIndexWithoutTableIdIsNotReplaced() {
    SyncPlan plan = SyncPlan.of(EMPTY, Map.of(), "table-9", List.of(), live("a", null));
    assertThat(plan.replaced()).isFalse();
    assertThat(plan.rebuild()).isFalse();
  }

  @Test
  void changedFilterFieldsRebuildAnIndexThatReflectsAVersion() {
    List<FilterField> asLong = List.of(new FilterField("lang", "lang", null, FieldType.LONG));
    SyncPlan plan = SyncPlan.of(AT_3, indexed("a", ""), "table-1", asLong, live("a", null));
    assertThat(plan.fieldsChanged()).isTrue();
    assertThat(plan.replaced()).isFalse();
    assertThat(plan.rebuild()).isTrue();
    assertThat(plan.added()).containsExactly("a");

    // an index that reflects no version yet takes the fields as they are
    SyncPlan first = SyncPlan.of(EMPTY, Map.of(), "table-1", asLong, live("a", null));
    assertThat(first.fieldsChanged()).isFalse();
    assertThat(first.rebuild()).isFalse();
  }
}
