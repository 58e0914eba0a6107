package io.lakeshelf.cli;

import io.lakeshelf.cli.client.ServiceClient;
import io.lakeshelf.cli.client.ServiceException;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The command line: {@code lakeshelf-cli [global options] <command> [options]}. Errors are one line
 * on stderr, {@code lakeshelf-cli: error: CODE: message}, and the exit code says what happened (see
 * {@link Failure}).
 */
public final class LakeshelfCli {

  static final String DEFAULT_URL = "http://localhost:8080";

  private static final Set<String> GLOBAL_VALUED =
      Set.of("url", "api-key", "timeout", "retries", "progress");

  static final String GLOBAL_HELP =
      """
      Global options (any command; also before it):
        --url URL        the service (default: $LAKESHELF_URL, else http://localhost:8080)
        --api-key KEY    sent as Authorization: Bearer KEY (default: $LAKESHELF_API_KEY)
        --timeout SECS   longest one request may take (default 300)
        --retries N      retries of a transient failure (no connection, timeout, 5xx,
                         WRITE_CONFLICT), with backoff from 0.5 s to 8 s (default 5)
        --progress STYLE auto (a bar on a terminal, else lines), bar, lines or none
        -h, --help       this text; `lakeshelf-cli COMMAND --help` for a command's
      """;

  static final String EXIT_CODES =
      """
      Exit codes:
        0  success
        1  the service refused the request (4xx): its problem code and detail are printed
        2  usage error, or an input file that cannot be read as documents
        3  the service is unreachable, timed out or failing (5xx) after the retries;
           an interrupted ingest resumes when run again
        4  a job waited for (reindex --wait) failed or was cancelled
        130 interrupted (Ctrl-C); an ingest resumes when run again
      Errors are one line on stderr: lakeshelf-cli: error: CODE: message
      """;

  private final Map<String, String> env;
  private final PrintStream out;
  private final PrintStream err;
  private final Map<String, Command> commands = new LinkedHashMap<>();

  LakeshelfCli(Map<String, String> env, PrintStream out, PrintStream err) {
    this.env = env;
    this.out = out;
    this.err = err;
    for (Command c :
        List.of(
            new IngestCommand(),
            new SearchCommand(),
            new CollectionsCommand(),
            new ReindexCommand())) {
      commands.put(c.name(), c);
    }
  }

  public static void main(String[] args) {
    System.exit(new LakeshelfCli(System.getenv(), System.out, System.err).run(args));
  }

  /** Runs one command line: its exit code. */
  int run(String... argv) {
    List<String> args = List.of(argv);
    try {
      int at = commandIndex(args);
      if (at < 0) {
        if (args.contains("--help") || args.contains("-h") || args.isEmpty()) {
          out.print(help());
          return args.isEmpty() ? Failure.USAGE : Failure.OK;
        }
        throw Failure.usage(
            "no command given (one of "
                + String.join(", ", commands.keySet())
                + "; see lakeshelf-cli --help)");
      }
      String name = args.get(at);
      if (name.equals("help")) {
        Command c = at + 1 < args.size() ? commands.get(args.get(at + 1)) : null;
        out.print(c == null ? help() : c.help() + "\n" + GLOBAL_HELP);
        return Failure.OK;
      }
      Command command = commands.get(name);
      if (command == null) {
        throw Failure.usage(
            "unknown command '" + name + "' (one of " + String.join(", ", commands.keySet()) + ")");
      }
      List<String> rest = new ArrayList<>(args);
      rest.remove(at);
      Set<String> valued = new HashSet<>(GLOBAL_VALUED);
      valued.addAll(command.valued());
      Set<String> flags = new HashSet<>(command.flags());
      flags.add("help");
      Arguments parsed = Arguments.parse(rest, valued, flags);
      if (parsed.flag("help")) {
        out.print(command.help() + "\n" + GLOBAL_HELP);
        return Failure.OK;
      }
      return command.run(parsed, context(parsed));
    } catch (Failure f) {
      fail(f.code(), f.getMessage());
      return f.exitCode();
    } catch (ServiceException e) {
      fail(e.code(), e.getMessage());
      return e.kind() == ServiceException.Kind.REFUSED ? Failure.REFUSED : Failure.UNAVAILABLE;
    } catch (IOException | UncheckedIOException e) {
      fail("IO", String.valueOf(e.getMessage()));
      return Failure.USAGE;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      fail("INTERRUPTED", "interrupted");
      return 130;
    }
  }

  private void fail(String code, String message) {
    err.println("lakeshelf-cli: error: " + code + ": " + message.replace('\n', ' '));
  }

  /** Where the command word is: the first argument that is neither an option nor its value. */
  private int commandIndex(List<String> args) {
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      if (a.startsWith("--")) {
        String name = a.substring(2);
        if (GLOBAL_VALUED.contains(name)) {
          i++;
        }
      } else if (!a.equals("-h")) {
        return i;
      }
    }
    return -1;
  }

  private Command.Context context(Arguments a) throws Failure {
    String url = a.value("url", env.getOrDefault("LAKESHELF_URL", DEFAULT_URL));
    URI base;
    try {
      base = URI.create(url);
      if (base.getScheme() == null
          || !(base.getScheme().equals("http") || base.getScheme().equals("https"))
          || base.getHost() == null) {
        throw new IllegalArgumentException("not an http(s) URL");
      }
    } catch (IllegalArgumentException e) {
      throw Failure.usage("--url '" + url + "' is not an http:// or https:// URL");
    }
    String key = a.value("api-key", env.get("LAKESHELF_API_KEY"));
    long timeout = a.number("timeout", 300, 1, 86_400);
    int retries = (int) a.number("retries", 5, 0, 100);
    Progress.Style style = progressStyle(a.value("progress", "auto"));
    PrintStream e = err;
    AtomicReference<Progress> shown = new AtomicReference<>();
    ServiceClient client =
        new ServiceClient(
            base,
            key,
            Duration.ofSeconds(timeout),
            retries,
            line -> {
              Progress p = shown.get();
              if (p == null) {
                e.println("lakeshelf-cli: " + line);
              } else {
                p.message("lakeshelf-cli: " + line);
              }
            });
    return new Command.Context(client, out, err, env, style, shown);
  }

  private Progress.Style progressStyle(String value) throws Failure {
    return switch (value.toLowerCase(Locale.ROOT)) {
      case "bar" -> Progress.Style.BAR;
      case "lines" -> Progress.Style.LINES;
      case "none" -> Progress.Style.NONE;
      case "auto" -> stderrIsTerminal() ? Progress.Style.BAR : Progress.Style.LINES;
      default -> throw Failure.usage("--progress must be auto, bar, lines or none, not " + value);
    };
  }

  /**
   * Whether stderr is a terminal: the launcher script says so ({@code LAKESHELF_CLI_TTY}, from
   * {@code [ -t 2 ]}); run directly, a console on a terminal stands for it.
   */
  private boolean stderrIsTerminal() {
    if ("dumb".equals(env.get("TERM"))) {
      return false;
    }
    String tty = env.get("LAKESHELF_CLI_TTY");
    if (tty != null) {
      return tty.equals("1");
    }
    java.io.Console console = System.console();
    if (console == null) {
      return false;
    }
    try { // Console.isTerminal() is JDK 22+; before it, a console is a terminal.
      return (Boolean) java.io.Console.class.getMethod("isTerminal").invoke(console);
    } catch (ReflectiveOperationException e) {
      return true;
    }
  }

  private String help() {
    StringBuilder b =
        new StringBuilder(
            """
            lakeshelf-cli: load files into Lakeshelf and look at it from a shell.

            Usage: lakeshelf-cli [global options] COMMAND [options]

            Commands:
              ingest FILE --collection NAME   load a JSONL or Parquet file (batched, resumable)
              search --collection NAME ...    search a collection (vector, keyword, hybrid)
              collections [NAME]              list collections, or show one
              reindex NAME [--wait]           rebuild a collection's index, optionally following it
              help [COMMAND]                  this text, or a command's

            """);
    b.append(GLOBAL_HELP).append('\n').append(EXIT_CODES);
    return b.toString();
  }
}
