package io.lakeshelf.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shaded jar under Spark's own launcher ({@code org.apache.spark.deploy.SparkSubmit}, what
 * {@code spark-submit} runs) in a child JVM whose class path is Spark's and Delta's jars and the
 * shaded jar alone: its main class is found and its exit codes reach the shell.
 */
class SparkSubmitIT {

  @TempDir Path dir;

  @Test
  void badArgumentsExitWithTwoAndTheUsage() throws Exception {
    Result r = submit("--table", dir.toString(), "--text-columns", "title,body");
    assertThat(r.code()).as(r.err()).isEqualTo(2);
    assertThat(r.err())
        .contains("EmbedTableJob: --id-column is required")
        .contains("Usage: spark-submit --class io.lakeshelf.spark.EmbedTableJob");
  }

  @Test
  void helpExitsWithZero() throws Exception {
    Result r = submit("--help");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("--vector-column", "Exit codes:");
  }

  private record Result(int code, String out, String err) {}

  private Result submit(String... args) throws Exception {
    Path jar = Path.of(System.getProperty("lakeshelf.job.jar"));
    assertThat(jar).as("the shaded jar (built in the package phase)").isRegularFile();
    String testClassPath =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<String> classPath = new ArrayList<>();
    for (String entry : testClassPath.split(File.pathSeparator)) {
      // Spark's and Delta's jars (the cluster's), not this module's classes nor what it shades.
      if (!entry.contains("onnxruntime")
          && !entry.contains("langchain4j")
          && !entry.endsWith("classes")
          && !entry.endsWith("test-classes")) {
        classPath.add(entry);
      }
    }
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-cp");
    command.add(String.join(File.pathSeparator, classPath));
    command.add("org.apache.spark.deploy.SparkSubmit");
    command.addAll(
        List.of("--class", EmbedTableJob.class.getName(), "--master", "local[1]", jar.toString()));
    command.addAll(List.of(args));
    Path out = dir.resolve("out.txt");
    Path err = dir.resolve("err.txt");
    Process p =
        new ProcessBuilder(command)
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .start();
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("spark-submit ends").isTrue();
    return new Result(
        p.exitValue(),
        Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }
}
