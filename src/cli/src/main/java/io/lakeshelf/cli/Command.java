package io.lakeshelf.cli;

import io.lakeshelf.cli.client.ServiceClient;
import io.lakeshelf.cli.client.ServiceException;
import java.io.IOException;
import java.io.PrintStream;
import java.util.Map;
import java.util.Set;

/** One command of the CLI: its options, its help text and what it does. */
interface Command {

  /** What every command runs with: the service, the streams, the environment. */
  record Context(
      ServiceClient client,
      PrintStream out,
      PrintStream err,
      Map<String, String> env,
      Progress.Style progress,
      java.util.concurrent.atomic.AtomicReference<Progress> shown) {

    /** Shows {@code p} from now on: notices (retries) are printed through it. */
    Progress show(Progress p) {
      shown.set(p);
      return p;
    }
  }

  String name();

  /** The text of {@code lakeshelf-cli <name> --help}. */
  String help();

  /** Options that take a value (besides the global ones). */
  Set<String> valued();

  /** Options that take none (besides {@code --help}). */
  Set<String> flags();

  /** Runs the command: its exit code. */
  int run(Arguments args, Context context)
      throws Failure, ServiceException, IOException, InterruptedException;
}
