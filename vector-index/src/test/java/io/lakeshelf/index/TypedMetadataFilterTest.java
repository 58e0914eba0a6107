package io.lakeshelf.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakeshelf.content.Document;
import io.lakeshelf.content.RowLocator;
import io.lakeshelf.content.Similarity;
import io.lakeshelf.content.VectorSpec;
import io.lakeshelf.content.rows.DocumentReader;
import io.lakeshelf.content.rows.Projection;
import io.lakeshelf.content.table.ContentColumns;
import io.lakeshelf.content.table.TableSnapshot;
import io.lakeshelf.content.testing.TestDocuments;
import io.lakeshelf.index.filter.Filter;
import io.lakeshelf.index.filter.Filter.Op;
import io.lakeshelf.index.filter.FilterException;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Typed, dynamic metadata in a managed table: values keep their JSON type through the table and the
 * index, numbers compare as numbers (integers and floating-point values alike), every key filters
 * without being declared, and a filter value never matches a value of another type. Checked against
 * a brute-force oracle over random documents whose keys change type from row to row, with values at
 * the edges (long bounds, fractions next to integers, 0.1f).
 */
class TypedMetadataFilterTest {

  @TempDir static Path dir;

  private static final VectorSpec SPEC = new VectorSpec("body", "body", 4, Similarity.COSINE);
  private static final int ROWS = 600;
  private static IndexedTable table;
  private static final Map<String, Map<String, Object>> rows = new LinkedHashMap<>();

  /** Values a key may take: of every type, with neighbours that tell numeric from text order. */
  private static final List<Object> VALUES =
      List.of(
          "a",
          "b",
          "10",
          "9",
          "",
          true,
          false,
          0L,
          1L,
          2L,
          9L,
          10L,
          -3L,
          Long.MAX_VALUE,
          Long.MIN_VALUE,
          0.5,
          1.0,
          1.5,
          9.99,
          -2.5,
          (double) 0.1f,
          1e300);

  @BeforeAll
  static void write() throws IOException {
    table = new IndexedTable(dir, SPEC);
    Random random = new Random(11);
    List<Document> docs = new ArrayList<>();
    for (int i = 0; i < ROWS; i++) {
      Map<String, Object> metadata = new LinkedHashMap<>();
      for (String key : List.of("k", "n", "x y")) {
        if (random.nextInt(5) > 0) {
          metadata.put(key, VALUES.get(random.nextInt(VALUES.size())));
        }
      }
      String id = "d" + i;
      rows.put(id, metadata);
      docs.add(
          new Document(
              id,
              null,
              "text " + i,
              null,
              Map.of("body", TestDocuments.randomVector(random, 4)),
              metadata,
              null));
    }
    for (int from = 0; from < docs.size(); from += 200) {
      table.upsert(docs.subList(from, from + 200));
    }
  }

  @AfterAll
  static void close() throws Exception {
    table.close();
  }

  @Test
  void valuesKeepTheirJsonTypeInTheTable() throws IOException {
    Map<String, List<RowLocator>> found;
    try (VectorIndex.View view = table.index.acquire()) {
      found = view.find(rows.keySet());
    }
    List<RowLocator> locators = new ArrayList<>();
    found.values().forEach(locators::addAll);
    assertThat(locators).hasSize(ROWS);
    TableSnapshot snapshot = table.table.latest();
    Map<RowLocator, Document> read =
        new DocumentReader(snapshot, ContentColumns.MANAGED, List.of(SPEC), table.executor)
            .read(locators, Projection.ALL);
    assertThat(read).hasSize(ROWS);
    for (Document d : read.values()) {
      assertThat(d.metadata() == null ? Map.of() : d.metadata())
          .as(d.id())
          .isEqualTo(rows.get(d.id()));
    }
  }

  @Test
  void everyComparisonOfEveryValueMatchesTheOracle() throws IOException {
    List<Object> probes = new ArrayList<>(VALUES);
    probes.addAll(List.of(1, 9.5, 10.0, -3.0, 0.1, new BigDecimal("2.000"), "c"));
    int checked = 0;
    try (VectorIndex.View view = table.index.acquire()) {
      for (String key : List.of("k", "x y")) {
        String field = "metadata." + key;
        for (Object probe : probes) {
          for (Op op : Op.values()) {
            if (probe instanceof Boolean && op != Op.EQ && op != Op.NE) {
              continue;
            }
            Filter f = new Filter.Compare(field, op, probe);
            assertThat(matching(view, f))
                .as("%s %s %s", field, op, probe)
                .isEqualTo(oracle(key, v -> compare(v, op, probe)));
            checked++;
          }
        }
        Filter in = new Filter.In(field, List.of("a", 10, 1.5, true));
        assertThat(matching(view, in))
            .isEqualTo(
                oracle(
                    key,
                    v ->
                        compare(v, Op.EQ, "a")
                            || compare(v, Op.EQ, 10)
                            || compare(v, Op.EQ, 1.5)
                            || compare(v, Op.EQ, true)));
        assertThat(matching(view, new Filter.Exists(field, true)))
            .isEqualTo(oracle(key, v -> true));
        assertThat(matching(view, new Filter.Not(new Filter.Exists(field, true))))
            .isEqualTo(absent(key));
      }
    }
    assertThat(checked).isGreaterThan(300);
  }

  @Test
  void numbersCompareAsNumbersAndNotAsText() throws IOException {
    try (VectorIndex.View view = table.index.acquire()) {
      // 9 < 10 as numbers; as text "9" > "10". The strings "9" and "10" are strings and do not
      // match a number.
      TreeSet<String> below10 = matching(view, new Filter.Compare("metadata.k", Op.LT, 10));
      assertThat(below10).isNotEmpty();
      for (String id : below10) {
        Object v = rows.get(id).get("k");
        assertThat(v).isInstanceOf(Number.class);
        assertThat(((Number) v).doubleValue()).isLessThan(10);
      }
      // An integer equals the floating-point value of the same number.
      TreeSet<String> one = matching(view, new Filter.Compare("metadata.k", Op.EQ, 1));
      assertThat(one).isEqualTo(oracle("k", v -> v.equals(1L) || v.equals(1.0)));
    }
  }

  @Test
  void anUndeclaredKeyFiltersAndABooleanRangeIsRefused() throws IOException {
    try (VectorIndex.View view = table.index.acquire()) {
      assertThat(matching(view, new Filter.Compare("metadata.never-written", Op.EQ, "a")))
          .isEmpty();
      assertThatThrownBy(() -> matching(view, new Filter.Compare("metadata.k", Op.GT, true)))
          .isInstanceOfSatisfying(
              FilterException.class,
              e -> assertThat(e.code()).isEqualTo(FilterException.Code.INVALID_FILTER));
    }
  }

  private static TreeSet<String> matching(VectorIndex.View view, Filter f) throws IOException {
    return new TreeSet<>(view.matching(f, IndexQuery.DEFAULT_MAX_FILTER_DEPTH, 100_000));
  }

  private static TreeSet<String> oracle(String key, Predicate<Object> p) {
    TreeSet<String> out = new TreeSet<>();
    rows.forEach(
        (id, m) -> {
          if (m.containsKey(key) && p.test(m.get(key))) {
            out.add(id);
          }
        });
    return out;
  }

  private static TreeSet<String> absent(String key) {
    TreeSet<String> out = new TreeSet<>();
    rows.forEach(
        (id, m) -> {
          if (!m.containsKey(key)) {
            out.add(id);
          }
        });
    return out;
  }

  /** The documented semantics, stated independently of the index. */
  private static boolean compare(Object v, Op op, Object probe) {
    if (op == Op.NE) {
      return !compare(v, Op.EQ, probe);
    }
    int c;
    if (v instanceof String s && probe instanceof String p) {
      c = compareUtf8(s, p);
    } else if (v instanceof Boolean b && probe instanceof Boolean p) {
      c = b.equals(p) ? 0 : 1;
    } else if (v instanceof Number a && probe instanceof Number b) {
      c = new BigDecimal(a.toString()).compareTo(new BigDecimal(b.toString()));
    } else {
      return false;
    }
    return switch (op) {
      case EQ -> c == 0;
      case GT -> c > 0;
      case GTE -> c >= 0;
      case LT -> c < 0;
      case LTE -> c <= 0;
      case NE -> throw new AssertionError();
    };
  }

  private static int compareUtf8(String a, String b) {
    return java.util.Arrays.compareUnsigned(
        a.getBytes(java.nio.charset.StandardCharsets.UTF_8),
        b.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }
}
