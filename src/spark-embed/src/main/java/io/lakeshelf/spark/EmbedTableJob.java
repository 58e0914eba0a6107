package io.lakeshelf.spark;

import io.delta.tables.DeltaTable;
import io.lakeshelf.index.embed.TextEmbedder;
import java.io.PrintStream;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.util.LongAccumulator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Fills or refreshes a Delta table's embedding column from its text columns, with the model and
 * tokenizer the service bundles (the same classes, so the same vectors), on Spark:
 *
 * <pre>
 * spark-submit --class io.lakeshelf.spark.EmbedTableJob lakeshelf-spark-embed.jar \
 *   --table s3a://bucket/articles --id-column doc_id --text-columns title,body \
 *   --vector-column body_minilm
 * </pre>
 *
 * <p>A run:
 *
 * <ol>
 *   <li>adds the vector column ({@code ARRAY<FLOAT>}) and the source column ({@code STRING}) with
 *       {@code ALTER TABLE ADD COLUMNS} when the table lacks them;
 *   <li>reads the table at its latest version and plans each row: its text is composed ({@link
 *       SourceText#compose}) and hashed; a row whose vector is there, of the model's length, with
 *       the hash of its text in the source column is current; a row with text and no such vector is
 *       to embed; a row without text keeps (or gets) a null vector;
 *   <li>embeds the rows to embed, spread over {@code --partitions} tasks, each task in batches of
 *       {@code --batch-size} with the one model of its executor JVM ({@link ExecutorModel});
 *   <li>writes the vectors and hashes back with one MERGE on the id column that also requires the
 *       text columns to be as they were read: a row whose text changed meanwhile keeps its old
 *       vector and hash, so the next run embeds it;
 *   <li>prints a {@link Summary} line. A run with nothing to embed or clear commits nothing.
 * </ol>
 *
 * <p>Exit codes: {@value #EXIT_OK} done, {@value #EXIT_FAILED} the job failed, {@value #EXIT_USAGE}
 * bad arguments (a usage message on standard error).
 */
public final class EmbedTableJob {

  public static final int EXIT_OK = 0;
  public static final int EXIT_FAILED = 1;
  public static final int EXIT_USAGE = 2;

  private static final Logger log = LoggerFactory.getLogger(EmbedTableJob.class);

  private static final String ACTION = "__lakeshelf_action";
  private static final String HAS_VECTOR = "__lakeshelf_has_vector";
  private static final String EMBED = "embed";
  private static final String CLEAR = "clear";
  private static final String CURRENT = "current";
  private static final String NO_TEXT = "no-text";

  private EmbedTableJob() {}

  public static void main(String[] args) {
    int code = execute(args, System.out, System.err);
    if (code != EXIT_OK) {
      // Only on failure: a cluster manager's driver wrapper treats a System.exit(0) in main as an
      // early exit on some deployments.
      System.exit(code);
    }
  }

  /**
   * Runs the job as {@link #main} does, in a Spark session of its own, and answers the exit code.
   */
  public static int execute(String[] args, PrintStream out, PrintStream err) {
    JobOptions options;
    try {
      options = JobOptions.parse(args);
    } catch (UsageException e) {
      err.println("EmbedTableJob: " + e.getMessage());
      err.println();
      err.print(JobOptions.USAGE);
      return EXIT_USAGE;
    }
    if (options == null) {
      out.print(JobOptions.USAGE);
      return EXIT_OK;
    }
    SparkSession spark = session();
    try {
      out.println(run(spark, options).line());
      return EXIT_OK;
    } catch (UsageException e) {
      err.println("EmbedTableJob: " + e.getMessage());
      return EXIT_USAGE;
    } catch (RuntimeException e) {
      log.error("EmbedTableJob failed", e);
      err.println("EmbedTableJob failed: " + e);
      return EXIT_FAILED;
    } finally {
      spark.stop();
    }
  }

  /**
   * The session spark-submit configured, with Delta's SQL extension and catalog unless the
   * configuration names them already.
   */
  static SparkSession session() {
    SparkConf conf = new SparkConf();
    SparkSession.Builder builder = SparkSession.builder().appName("lakeshelf-embed-table");
    if (!conf.contains("spark.sql.extensions")) {
      builder.config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension");
    }
    if (!conf.contains("spark.sql.catalog.spark_catalog")) {
      builder.config(
          "spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog");
    }
    return builder.getOrCreate();
  }

  /**
   * One run over the table, in {@code spark} (which must have Delta's SQL extension and catalog).
   *
   * @throws UsageException if the table is not a Delta table, or lacks a column or has one of the
   *     wrong type
   */
  public static Summary run(SparkSession spark, JobOptions options) {
    String path = options.table();
    if (!DeltaTable.isDeltaTable(spark, path)) {
      throw new UsageException(path + " is not a Delta table");
    }
    int dimensions = ExecutorModel.dimensions(options.model());
    addMissingColumns(spark, options, DeltaTable.forPath(spark, path).toDF().schema());
    DeltaTable table = DeltaTable.forPath(spark, path);
    long version = latestVersion(table);
    Dataset<Row> rows = spark.read().format("delta").option("versionAsOf", version).load(path);
    StructType schema = rows.schema();

    List<Column> keys = new ArrayList<>();
    List<StructField> keyFields = new ArrayList<>();
    keys.add(functions.col(quote(options.idColumn())));
    keyFields.add(field(schema, options.idColumn()));
    for (String text : options.textColumns()) {
      keys.add(functions.col(quote(text)));
      keyFields.add(field(schema, text));
    }
    List<Column> planned = new ArrayList<>(keys);
    String vector = quote(options.vectorColumn());
    planned.add(
        functions
            .expr(vector + " IS NOT NULL AND size(" + vector + ") = " + dimensions)
            .as(HAS_VECTOR));
    planned.add(functions.col(quote(options.sourceColumn())));
    List<StructField> planFields = new ArrayList<>(keyFields);
    planFields.add(DataTypes.createStructField(options.sourceColumn(), DataTypes.StringType, true));
    planFields.add(DataTypes.createStructField(ACTION, DataTypes.StringType, false));
    Dataset<Row> plan =
        rows.select(planned.toArray(Column[]::new))
            .mapPartitions(
                new Planner(options.textColumns().size()),
                Encoders.row(DataTypes.createStructType(planFields)));

    Map<String, Long> counts = new LinkedHashMap<>();
    for (Row r : plan.groupBy(ACTION).count().collectAsList()) {
      counts.put(r.getString(0), r.getLong(1));
    }
    long toEmbed = counts.getOrDefault(EMBED, 0L);
    long toClear = counts.getOrDefault(CLEAR, 0L);
    long current = counts.getOrDefault(CURRENT, 0L);
    long withoutText = counts.getOrDefault(NO_TEXT, 0L);
    long scanned = toEmbed + toClear + current + withoutText;
    log.info(
        "{} at version {}: {} rows, {} to embed, {} to clear (no text), {} current, {} without"
            + " text",
        path,
        version,
        scanned,
        toEmbed,
        toClear,
        current,
        withoutText);
    if (toEmbed == 0 && toClear == 0) {
      log.info("{}: nothing to do", path);
      return new Summary(path, scanned, 0, 0, current, withoutText, 0, -1, latestVersion(table));
    }

    Column[] keyColumns = keys.toArray(Column[]::new);
    String[] keyNames = keyFields.stream().map(StructField::name).toArray(String[]::new);
    int partitions =
        options.partitions() > 0 ? options.partitions() : spark.sparkContext().defaultParallelism();
    List<StructField> outFields = new ArrayList<>(keyFields);
    outFields.add(
        DataTypes.createStructField(
            options.vectorColumn(), DataTypes.createArrayType(DataTypes.FloatType, true), true));
    outFields.add(DataTypes.createStructField(options.sourceColumn(), DataTypes.StringType, true));
    StructType outSchema = DataTypes.createStructType(outFields);
    LongAccumulator done = spark.sparkContext().longAccumulator("lakeshelf rows embedded");
    Dataset<Row> embedded =
        plan.filter(functions.col(ACTION).equalTo(EMBED))
            .select(concat(keyColumns, functions.col(quote(options.sourceColumn()))))
            .dropDuplicates(keyNames)
            .repartition(partitions)
            .mapPartitions(new Embedder(options, toEmbed, done), Encoders.row(outSchema))
            .persist(StorageLevel.MEMORY_AND_DISK());
    Dataset<Row> cleared =
        plan.filter(functions.col(ACTION).equalTo(CLEAR))
            .select(
                concat(
                    keyColumns,
                    functions
                        .lit(null)
                        .cast(DataTypes.createArrayType(DataTypes.FloatType, true))
                        .as(options.vectorColumn()),
                    functions.lit(null).cast(DataTypes.StringType).as(options.sourceColumn())))
            .dropDuplicates(keyNames);
    try {
      long embeddedRows = embed(embedded, toEmbed, done, path);
      Dataset<Row> updates = embedded.unionByName(cleared);
      StringBuilder on = new StringBuilder();
      on.append("t.").append(quote(options.idColumn())).append(" = s.");
      on.append(quote(options.idColumn()));
      for (String text : options.textColumns()) {
        on.append(" AND t.").append(quote(text)).append(" <=> s.").append(quote(text));
      }
      Map<String, String> set = new LinkedHashMap<>();
      set.put(quote(options.vectorColumn()), "s." + quote(options.vectorColumn()));
      set.put(quote(options.sourceColumn()), "s." + quote(options.sourceColumn()));
      table.as("t").merge(updates.as("s"), on.toString()).whenMatched().updateExpr(set).execute();
      Row commit = table.history(1).first();
      long commitVersion = commit.getLong(commit.fieldIndex("version"));
      Map<String, String> metrics = commit.getJavaMap(commit.fieldIndex("operationMetrics"));
      long updated = Long.parseLong(metrics.getOrDefault("numTargetRowsUpdated", "-1"));
      log.info(
          "{}: committed version {} ({} rows updated of {} embedded and {} cleared)",
          path,
          commitVersion,
          updated,
          embeddedRows,
          toClear);
      return new Summary(
          path,
          scanned,
          toEmbed,
          toClear,
          current,
          withoutText,
          updated,
          commitVersion,
          commitVersion);
    } finally {
      embedded.unpersist();
    }
  }

  /**
   * Runs the embedding (materializing {@code embedded}, so the MERGE reads the vectors rather than
   * embedding twice), logging progress every ten seconds; answers the rows embedded.
   */
  private static long embed(
      Dataset<Row> embedded, long toEmbed, LongAccumulator done, String path) {
    ScheduledExecutorService progress =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "lakeshelf-embed-progress");
              t.setDaemon(true);
              return t;
            });
    long start = System.nanoTime();
    progress.scheduleAtFixedRate(
        () -> log.info("{}: embedded {} of {} rows to embed", path, done.value(), toEmbed),
        10,
        10,
        TimeUnit.SECONDS);
    try {
      long rows = embedded.count();
      double seconds = (System.nanoTime() - start) / 1e9;
      log.info(
          "{}: embedded {} of {} rows to embed in {} s ({} rows/s)",
          path,
          rows,
          toEmbed,
          String.format("%.1f", seconds),
          String.format("%.0f", rows / Math.max(seconds, 1e-3)));
      return rows;
    } finally {
      progress.shutdownNow();
    }
  }

  private static void addMissingColumns(SparkSession spark, JobOptions options, StructType schema) {
    field(schema, options.idColumn());
    for (String text : options.textColumns()) {
      StructField f = field(schema, text);
      if (!f.dataType().equals(DataTypes.StringType)) {
        throw new UsageException(
            "text column " + text + " is " + f.dataType().sql() + "; it must be STRING");
      }
    }
    List<String> add = new ArrayList<>();
    StructField vector = find(schema, options.vectorColumn());
    if (vector == null) {
      add.add(quote(options.vectorColumn()) + " ARRAY<FLOAT>");
    } else if (!(vector.dataType() instanceof ArrayType a
        && a.elementType().equals(DataTypes.FloatType))) {
      throw new UsageException(
          "vector column "
              + options.vectorColumn()
              + " is "
              + vector.dataType().sql()
              + "; it must be ARRAY<FLOAT>");
    }
    StructField source = find(schema, options.sourceColumn());
    if (source == null) {
      add.add(quote(options.sourceColumn()) + " STRING");
    } else if (!source.dataType().equals(DataTypes.StringType)) {
      throw new UsageException(
          "source column "
              + options.sourceColumn()
              + " is "
              + source.dataType().sql()
              + "; it must be STRING");
    }
    if (!add.isEmpty()) {
      String sql =
          "ALTER TABLE delta."
              + quote(options.table())
              + " ADD COLUMNS ("
              + String.join(", ", add)
              + ")";
      log.info("{}: adding columns: {}", options.table(), sql);
      spark.sql(sql);
    }
  }

  private static long latestVersion(DeltaTable table) {
    return table.history(1).select("version").first().getLong(0);
  }

  private static StructField field(StructType schema, String name) {
    StructField f = find(schema, name);
    if (f == null) {
      throw new UsageException(
          "the table has no column " + name + "; its columns are " + List.of(schema.fieldNames()));
    }
    return f;
  }

  private static StructField find(StructType schema, String name) {
    for (StructField f : schema.fields()) {
      if (f.name().equals(name)) {
        return f;
      }
    }
    return null;
  }

  /** {@code name} as a Spark SQL identifier: in back quotes, a back quote in it doubled. */
  static String quote(String name) {
    return "`" + name.replace("`", "``") + "`";
  }

  private static Column[] concat(Column[] first, Column... more) {
    Column[] all = new Column[first.length + more.length];
    System.arraycopy(first, 0, all, 0, first.length);
    System.arraycopy(more, 0, all, first.length, more.length);
    return all;
  }

  /**
   * Plans rows: in, the id, the text columns, whether the vector is there and the source hash; out,
   * the id, the text columns, the hash of the composed text (null without text) and what to do.
   */
  static final class Planner implements MapPartitionsFunction<Row, Row> {
    private static final long serialVersionUID = 1L;
    private final int texts;

    Planner(int texts) {
      this.texts = texts;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
      return new Iterator<>() {
        @Override
        public boolean hasNext() {
          return rows.hasNext();
        }

        @Override
        public Row next() {
          Row row = rows.next();
          Object[] out = new Object[texts + 3];
          List<String> values = new ArrayList<>(texts);
          out[0] = row.get(0);
          for (int i = 1; i <= texts; i++) {
            values.add(row.getString(i));
            out[i] = row.get(i);
          }
          boolean hasVector = row.getBoolean(texts + 1);
          String source = row.getString(texts + 2);
          String text = SourceText.compose(values);
          String action;
          String hash = null;
          if (text == null) {
            action = hasVector || source != null ? CLEAR : NO_TEXT;
          } else {
            hash = SourceText.sha256(text);
            action = hasVector && hash.equals(source) ? CURRENT : EMBED;
          }
          out[texts + 1] = hash;
          out[texts + 2] = action;
          return RowFactory.create(out);
        }
      };
    }
  }

  /**
   * Embeds a partition's rows (the id, the text columns, the hash) in batches with the executor's
   * model; out, the same rows with the vector before the hash.
   */
  static final class Embedder implements MapPartitionsFunction<Row, Row>, Serializable {
    private static final long serialVersionUID = 1L;
    private final String model;
    private final int texts;
    private final int batchSize;
    private final long toEmbed;
    private final LongAccumulator done;

    Embedder(JobOptions options, long toEmbed, LongAccumulator done) {
      this.model = options.model();
      this.texts = options.textColumns().size();
      this.batchSize = options.batchSize();
      this.toEmbed = toEmbed;
      this.done = done;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
      TextEmbedder embedder = ExecutorModel.get(model);
      return new Iterator<>() {
        private final List<Row> batch = new ArrayList<>(batchSize);
        private final List<Row> out = new ArrayList<>(batchSize);
        private int next;
        private long partitionRows;
        private boolean finished;

        @Override
        public boolean hasNext() {
          if (next < out.size()) {
            return true;
          }
          if (finished) {
            return false;
          }
          out.clear();
          next = 0;
          batch.clear();
          while (batch.size() < batchSize && rows.hasNext()) {
            batch.add(rows.next());
          }
          if (batch.isEmpty()) {
            finished = true;
            if (partitionRows > 0) {
              log.info("task embedded {} rows (of {} to embed in all)", partitionRows, toEmbed);
            }
            return false;
          }
          List<String> input = new ArrayList<>(batch.size());
          for (Row row : batch) {
            List<String> values = new ArrayList<>(texts);
            for (int i = 1; i <= texts; i++) {
              values.add(row.getString(i));
            }
            input.add(SourceText.compose(values));
          }
          float[][] vectors = embedder.embed(input);
          for (int b = 0; b < batch.size(); b++) {
            Row row = batch.get(b);
            Object[] values = new Object[texts + 3];
            for (int i = 0; i <= texts; i++) {
              values[i] = row.get(i);
            }
            values[texts + 1] = boxed(vectors[b]);
            values[texts + 2] = row.getString(texts + 1);
            out.add(RowFactory.create(values));
          }
          partitionRows += batch.size();
          done.add(batch.size());
          return true;
        }

        @Override
        public Row next() {
          if (!hasNext()) {
            throw new NoSuchElementException();
          }
          return out.get(next++);
        }
      };
    }

    /** The vector as a Row holds an array: a Scala sequence (a java.util.List is refused). */
    private static scala.collection.Seq<Float> boxed(float[] vector) {
      List<Float> list = new ArrayList<>(vector.length);
      for (float x : vector) {
        list.add(x);
      }
      return CollectionConverters.asScala(list);
    }
  }
}
