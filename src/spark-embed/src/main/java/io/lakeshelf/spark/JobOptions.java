package io.lakeshelf.spark;

import io.lakeshelf.index.embed.EmbeddingModels;
import io.lakeshelf.index.embed.MiniLmEmbedder;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The job's command-line options (see {@link #USAGE}).
 *
 * @param table the Delta table: a path or a URI Hadoop reads ({@code s3a://bucket/prefix}, {@code
 *     abfss://…}, {@code file:/…})
 * @param idColumn the column that identifies a row; the MERGE matches rows on it
 * @param textColumns the string columns a row's text is composed from, in order (see {@link
 *     SourceText#compose})
 * @param vectorColumn the {@code ARRAY<FLOAT>} column the job fills; added when the table lacks it
 * @param sourceColumn the {@code STRING} column holding the SHA-256 of the text each vector was
 *     embedded from; added when the table lacks it
 * @param model the embedding model's name, as a collection's {@code "embed"} names it
 * @param batchSize texts given to the model in one call
 * @param partitions how many tasks embed at once; 0 for Spark's default parallelism
 */
public record JobOptions(
    String table,
    String idColumn,
    List<String> textColumns,
    String vectorColumn,
    String sourceColumn,
    String model,
    int batchSize,
    int partitions)
    implements Serializable {

  public static final int DEFAULT_BATCH_SIZE = 32;
  public static final int MAX_BATCH_SIZE = 1024;

  /** What {@code --help} prints, and what a bad argument is answered with. */
  public static final String USAGE =
      """
      Usage: spark-submit --class io.lakeshelf.spark.EmbedTableJob lakeshelf-spark-embed.jar \\
               --table PATH_OR_URI --id-column COLUMN --text-columns COLUMN[,COLUMN...] \\
               --vector-column COLUMN [options]

      Fills or refreshes a Delta table's embedding column with Lakeshelf's bundled model: embeds
      the rows whose vector is null or whose text changed since it was embedded, and writes them
      back with one MERGE on the id column. A run with nothing to embed commits nothing.

        --table PATH_OR_URI      the Delta table (/data/articles, s3a://bucket/articles)
        --id-column COLUMN       the column identifying a row
        --text-columns C1,C2     string columns embedded together: the non-blank ones joined by
                                 a blank line (title,body is what the service embeds for a
                                 document's title and text)
        --vector-column COLUMN   ARRAY<FLOAT> column to fill (added when missing)
        --source-column COLUMN   STRING column with the SHA-256 of the text each vector was
                                 embedded from (added when missing; default VECTOR_COLUMN_source)
        --model NAME             embedding model (default %s; the models: %s)
        --batch-size N           texts per model call, 1 to %d (default %d)
        --partitions N           tasks embedding at once (default: Spark's default parallelism)
        --help                   print this and exit

      Exit codes: 0 done (or nothing to do), 1 the job failed, 2 bad arguments.
      """
          .formatted(
              MiniLmEmbedder.NAME,
              String.join(", ", EmbeddingModels.withBuiltIns().names()),
              MAX_BATCH_SIZE,
              DEFAULT_BATCH_SIZE);

  private static final Set<String> OPTIONS =
      Set.of(
          "table",
          "id-column",
          "text-columns",
          "vector-column",
          "source-column",
          "model",
          "batch-size",
          "partitions");

  public JobOptions {
    Objects.requireNonNull(table, "table");
    Objects.requireNonNull(idColumn, "idColumn");
    textColumns = List.copyOf(textColumns);
    Objects.requireNonNull(vectorColumn, "vectorColumn");
    Objects.requireNonNull(sourceColumn, "sourceColumn");
    Objects.requireNonNull(model, "model");
  }

  /** The source column's name when none is given: the vector column's, with {@code _source}. */
  public static String defaultSourceColumn(String vectorColumn) {
    return vectorColumn + "_source";
  }

  /**
   * Reads the command line; null when it asks for {@code --help}.
   *
   * @throws UsageException naming what is wrong with it
   */
  public static JobOptions parse(String... args) {
    Map<String, String> values = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (arg.equals("--help") || arg.equals("-h")) {
        return null;
      }
      if (!arg.startsWith("--")) {
        throw new UsageException("unexpected argument '" + arg + "'");
      }
      String name = arg.substring(2);
      String value;
      int eq = name.indexOf('=');
      if (eq >= 0) {
        value = name.substring(eq + 1);
        name = name.substring(0, eq);
      } else if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
        value = args[++i];
      } else {
        value = null;
      }
      if (!OPTIONS.contains(name)) {
        throw new UsageException("unknown option --" + name);
      }
      if (value == null || value.isBlank()) {
        throw new UsageException("--" + name + " needs a value");
      }
      if (values.putIfAbsent(name, value.strip()) != null) {
        throw new UsageException("--" + name + " is given twice");
      }
    }
    String table = required(values, "table");
    String idColumn = required(values, "id-column");
    String vectorColumn = required(values, "vector-column");
    List<String> textColumns = new ArrayList<>();
    for (String column : required(values, "text-columns").split(",", -1)) {
      if (column.isBlank()) {
        throw new UsageException("--text-columns has an empty column name");
      }
      textColumns.add(column.strip());
    }
    String sourceColumn = values.getOrDefault("source-column", defaultSourceColumn(vectorColumn));
    Set<String> names = new HashSet<>();
    for (String column : textColumns) {
      if (!names.add(column.toLowerCase(java.util.Locale.ROOT))) {
        throw new UsageException("--text-columns names " + column + " twice");
      }
    }
    if (names.contains(idColumn.toLowerCase(java.util.Locale.ROOT))) {
      throw new UsageException("the id column " + idColumn + " is not a text column");
    }
    for (String written : List.of(vectorColumn, sourceColumn)) {
      String lower = written.toLowerCase(java.util.Locale.ROOT);
      if (names.contains(lower) || lower.equals(idColumn.toLowerCase(java.util.Locale.ROOT))) {
        throw new UsageException(
            "the job writes column " + written + ": it cannot be the id or a text column");
      }
    }
    if (vectorColumn.equalsIgnoreCase(sourceColumn)) {
      throw new UsageException("--source-column must differ from --vector-column");
    }
    String model = values.getOrDefault("model", MiniLmEmbedder.NAME);
    if (!EmbeddingModels.withBuiltIns().contains(model)) {
      throw new UsageException(
          "unknown model '"
              + model
              + "'; the models are "
              + EmbeddingModels.withBuiltIns().names());
    }
    int batchSize = integer(values, "batch-size", DEFAULT_BATCH_SIZE, 1, MAX_BATCH_SIZE);
    int partitions = integer(values, "partitions", 0, 1, Integer.MAX_VALUE);
    return new JobOptions(
        table, idColumn, textColumns, vectorColumn, sourceColumn, model, batchSize, partitions);
  }

  private static String required(Map<String, String> values, String name) {
    String value = values.get(name);
    if (value == null) {
      throw new UsageException("--" + name + " is required");
    }
    return value;
  }

  private static int integer(
      Map<String, String> values, String name, int absent, int min, int max) {
    String value = values.get(name);
    if (value == null) {
      return absent;
    }
    int n;
    try {
      n = Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new UsageException("--" + name + " must be a whole number, got '" + value + "'");
    }
    if (n < min || n > max) {
      throw new UsageException(
          "--" + name + " must be between " + min + " and " + max + ", got " + n);
    }
    return n;
  }
}
