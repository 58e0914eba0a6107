package io.lakeshelf.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A run of the CLI in this JVM: its exit code, stdout and stderr. */
record CliRun(int exit, String out, String err) {

  /** Runs {@code args} with its checkpoints under {@code state}, progress as plain lines. */
  static CliRun run(Path state, String... args) {
    Map<String, String> env = new HashMap<>();
    env.put("XDG_STATE_HOME", state.toString());
    env.put("LAKESHELF_CLI_TTY", "0");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit;
    try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
      exit = new LakeshelfCli(env, o, e).run(args);
    }
    return new CliRun(
        exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  List<String> errLines() {
    return err.lines().toList();
  }

  @Override
  public String toString() {
    return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
  }
}
