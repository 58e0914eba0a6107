package io.lakeshelf.index;

import io.lakeshelf.content.Similarity;
import io.lakeshelf.content.TableVersion;
import io.lakeshelf.content.VectorSpec;
import io.lakeshelf.index.filter.FieldType;
import io.lakeshelf.index.filter.FilterField;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What an index reflects, stored as the user data of each Lucene commit so that it changes
 * atomically with the index content: a commit either holds the new documents and the new manifest,
 * or neither.
 *
 * <pre>
 * lakeshelf.format        4
 * lakeshelf.tableVersion  the Delta version the index reflects, -1 before the first sync
 * lakeshelf.tableId       the Delta table id (metadata.id) it was built from, empty if none yet
 * lakeshelf.vector        the named vector
 * lakeshelf.column        the table column the vectors come from
 * lakeshelf.dimensions    vector length
 * lakeshelf.similarity    cosine | dot | l2
 * lakeshelf.quantization  none | int8 | int4 | bbq
 * lakeshelf.analysis      standard | english (how title and text are indexed)
 * lakeshelf.filterable    the filterable names asked for, comma-separated
 * lakeshelf.filterFields  how they resolved against the table: one "name TAB type TAB column TAB
 *                         key" line each (empty before the first sync)
 * </pre>
 */
public record IndexManifest(
    TableVersion tableVersion,
    String tableId,
    VectorSpec vector,
    IndexOptions options,
    List<FilterField> filterFields) {

  /**
   * The layout version; an index of another format is rebuilt. 5: rows carry their {@code
   * ingested_at} as doc values ({@code ingested.v}) for searches that ask for no part of a
   * document; 4: rows carry their id and file as doc values ({@code id.v}, {@code file.v}) for hits
   * to read; 3: metadata indexed by value type under {@code m.*} (2 held declared metadata keys as
   * keywords).
   */
  public static final int FORMAT = 5;

  private static final String K_FORMAT = "lakeshelf.format";
  private static final String K_VERSION = "lakeshelf.tableVersion";
  private static final String K_TABLE_ID = "lakeshelf.tableId";
  private static final String K_VECTOR = "lakeshelf.vector";
  private static final String K_COLUMN = "lakeshelf.column";
  private static final String K_DIMENSIONS = "lakeshelf.dimensions";
  private static final String K_SIMILARITY = "lakeshelf.similarity";
  private static final String K_QUANTIZATION = "lakeshelf.quantization";
  private static final String K_ANALYSIS = "lakeshelf.analysis";
  private static final String K_FILTERABLE = "lakeshelf.filterable";
  private static final String K_FILTER_FIELDS = "lakeshelf.filterFields";

  public IndexManifest {
    Objects.requireNonNull(tableVersion, "tableVersion");
    Objects.requireNonNull(tableId, "tableId");
    Objects.requireNonNull(vector, "vector");
    Objects.requireNonNull(options, "options");
    filterFields = List.copyOf(filterFields);
  }

  /** The manifest of an index that holds nothing yet. */
  public static IndexManifest empty(VectorSpec vector, IndexOptions options) {
    return new IndexManifest(TableVersion.NONE, "", vector, options, List.of());
  }

  public IndexManifest at(TableVersion version, String tableId, List<FilterField> fields) {
    return new IndexManifest(version, tableId, vector, options, fields);
  }

  /** The filterable fields by name. */
  public Map<String, FilterField> filterFieldsByName() {
    Map<String, FilterField> out = new LinkedHashMap<>();
    filterFields.forEach(f -> out.put(f.name(), f));
    return out;
  }

  /** The manifest as commit user data (its wire form). */
  public Map<String, String> toCommitData() {
    Map<String, String> data = new HashMap<>();
    data.put(K_FORMAT, Integer.toString(FORMAT));
    data.put(K_VERSION, Long.toString(tableVersion.value()));
    data.put(K_TABLE_ID, tableId);
    data.put(K_VECTOR, vector.name());
    data.put(K_COLUMN, vector.column());
    data.put(K_DIMENSIONS, Integer.toString(vector.dimensions()));
    data.put(K_SIMILARITY, vector.similarity().wireName());
    data.put(K_QUANTIZATION, options.quantization().wireName());
    data.put(K_ANALYSIS, options.analysis().wireName());
    data.put(K_FILTERABLE, String.join(",", options.filterable()));
    StringBuilder fields = new StringBuilder();
    for (FilterField f : filterFields) {
      fields
          .append(f.name())
          .append('\t')
          .append(f.type())
          .append('\t')
          .append(f.column())
          .append('\t')
          .append(f.metadataKey() == null ? "" : f.metadataKey())
          .append('\n');
    }
    data.put(K_FILTER_FIELDS, fields.toString());
    return data;
  }

  /** The manifest in a commit's user data, or empty if it holds none or one of another format. */
  public static Optional<IndexManifest> fromCommitData(Map<String, String> data) {
    if (!Integer.toString(FORMAT).equals(data.get(K_FORMAT))) {
      return Optional.empty();
    }
    try {
      VectorSpec spec =
          new VectorSpec(
              data.get(K_VECTOR),
              data.get(K_COLUMN),
              Integer.parseInt(data.get(K_DIMENSIONS)),
              Similarity.fromWireName(data.get(K_SIMILARITY)));
      String filterable = data.getOrDefault(K_FILTERABLE, "");
      IndexOptions options =
          new IndexOptions(
              Quantization.fromWireName(data.get(K_QUANTIZATION)),
              TextAnalysis.fromWireName(data.get(K_ANALYSIS)),
              filterable.isEmpty() ? List.of() : Arrays.asList(filterable.split(",")));
      List<FilterField> fields = new ArrayList<>();
      for (String line : data.getOrDefault(K_FILTER_FIELDS, "").split("\n")) {
        if (!line.isEmpty()) {
          String[] p = line.split("\t", -1);
          fields.add(
              new FilterField(p[0], p[2], p[3].isEmpty() ? null : p[3], FieldType.valueOf(p[1])));
        }
      }
      return Optional.of(
          new IndexManifest(
              TableVersion.of(Long.parseLong(data.get(K_VERSION))),
              data.getOrDefault(K_TABLE_ID, ""),
              spec,
              options,
              fields));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }
}
