package io.lakeshelf.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The job's command line, and the exit codes a script relies on when it is wrong. */
class JobOptionsTest {

  private static final String[] MINIMAL = {
    "--table", "/data/articles",
    "--id-column", "doc_id",
    "--text-columns", "title,body",
    "--vector-column", "body_minilm"
  };

  @Test
  void readsTheRequiredOptionsAndDefaultsTheRest() {
    JobOptions o = JobOptions.parse(MINIMAL);
    assertThat(o.table()).isEqualTo("/data/articles");
    assertThat(o.idColumn()).isEqualTo("doc_id");
    assertThat(o.textColumns()).containsExactly("title", "body");
    assertThat(o.vectorColumn()).isEqualTo("body_minilm");
    assertThat(o.sourceColumn()).isEqualTo("body_minilm_source");
    assertThat(o.model()).isEqualTo("all-minilm-l6-v2");
    assertThat(o.batchSize()).isEqualTo(JobOptions.DEFAULT_BATCH_SIZE);
    assertThat(o.partitions()).isZero();
  }

  @Test
  void readsEveryOptionInEitherSpelling() {
    JobOptions o =
        JobOptions.parse(
            "--table=s3a://bucket/articles",
            "--id-column",
            "id",
            "--text-columns= body ",
            "--vector-column=v",
            "--source-column",
            "v_hash",
            "--model=all-minilm-l6-v2",
            "--batch-size",
            "64",
            "--partitions=8");
    assertThat(o)
        .isEqualTo(
            new JobOptions(
                "s3a://bucket/articles",
                "id",
                List.of("body"),
                "v",
                "v_hash",
                "all-minilm-l6-v2",
                64,
                8));
  }

  @Test
  void helpAsksForTheUsage() {
    assertThat(JobOptions.parse("--help")).isNull();
    assertThat(JobOptions.parse("--table", "t", "-h")).isNull();
  }

  @Test
  void refusesWhatItCannotDo() {
    assertRefused("--table is required", "--id-column", "a", "--text-columns", "b");
    assertRefused(
        "--vector-column is required", "--table", "t", "--id-column", "a", "--text-columns", "b");
    assertRefused("unknown option --colour", with("--colour", "red"));
    assertRefused("unexpected argument 'extra'", with("extra"));
    assertRefused("--table is given twice", with("--table", "u"));
    assertRefused("--model needs a value", with("--model"));
    assertRefused("--batch-size must be between 1 and 1024, got 0", with("--batch-size", "0"));
    assertRefused("--batch-size must be a whole number, got 'many'", with("--batch-size=many"));
    assertRefused("--partitions must be between 1", with("--partitions", "-3"));
    assertRefused("unknown model 'bert'", with("--model", "bert"));
    assertRefused(
        "--text-columns has an empty column name",
        "--table",
        "t",
        "--id-column",
        "a",
        "--text-columns",
        "b,,c",
        "--vector-column",
        "v");
    assertRefused(
        "--text-columns names B twice",
        "--table",
        "t",
        "--id-column",
        "a",
        "--text-columns",
        "b,B",
        "--vector-column",
        "v");
    assertRefused(
        "the id column a is not a text column",
        "--table",
        "t",
        "--id-column",
        "a",
        "--text-columns",
        "a,b",
        "--vector-column",
        "v");
    assertRefused(
        "the job writes column b: it cannot be the id or a text column",
        "--table",
        "t",
        "--id-column",
        "a",
        "--text-columns",
        "b",
        "--vector-column",
        "b");
    assertRefused("--source-column must differ", with("--source-column", "body_minilm"));
  }

  @Test
  void badArgumentsExitWithTwoAndTheUsageOnStandardError() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        EmbedTableJob.execute(
            new String[] {"--table", "t"}, new PrintStream(out, true), new PrintStream(err, true));
    assertThat(code).isEqualTo(EmbedTableJob.EXIT_USAGE).isEqualTo(2);
    assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
    assertThat(err.toString(StandardCharsets.UTF_8))
        .startsWith("EmbedTableJob: --id-column is required")
        .contains("Usage: spark-submit --class io.lakeshelf.spark.EmbedTableJob");
  }

  @Test
  void helpExitsWithZeroAndTheUsageOnStandardOutput() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        EmbedTableJob.execute(
            new String[] {"--help"}, new PrintStream(out, true), new PrintStream(err, true));
    assertThat(code).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("--text-columns", "--source-column", "Exit codes: 0");
    assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
  }

  @Test
  void quotesColumnNamesForSparkSql() {
    assertThat(EmbedTableJob.quote("body")).isEqualTo("`body`");
    assertThat(EmbedTableJob.quote("we`ird name")).isEqualTo("`we``ird name`");
  }

  private static String[] with(String... more) {
    String[] all = new String[MINIMAL.length + more.length];
    System.arraycopy(MINIMAL, 0, all, 0, MINIMAL.length);
    System.arraycopy(more, 0, all, MINIMAL.length, more.length);
    return all;
  }

  private static void assertRefused(String message, String... args) {
    assertThatThrownBy(() -> JobOptions.parse(args))
        .isInstanceOf(UsageException.class)
        .hasMessageStartingWith(message);
  }
}
