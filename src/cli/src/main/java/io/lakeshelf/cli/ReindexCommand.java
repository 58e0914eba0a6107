package io.lakeshelf.cli;

import io.lakeshelf.cli.client.ServiceClient;
import io.lakeshelf.cli.client.ServiceException;
import java.util.Locale;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * {@code reindex NAME [--wait]}: starts a reindex job; with {@code --wait} follows it (its rows
 * done of rows total) with the progress bar until it ends.
 */
final class ReindexCommand implements Command {

  private static final long POLL_MILLIS = 500;

  @Override
  public String name() {
    return "reindex";
  }

  @Override
  public Set<String> valued() {
    return Set.of();
  }

  @Override
  public Set<String> flags() {
    return Set.of("wait", "json");
  }

  @Override
  public String help() {
    return """
    Usage: lakeshelf-cli reindex NAME [--wait] [--json]

    Rebuilds a collection's index from its table (POST /v1/admin/collections/NAME/reindex;
    needs the admin role). The old index serves until the new one is complete. Prints the
    job's id on stdout.

    Options:
      --wait   follow the job (GET /v1/admin/jobs/ID every 0.5 s) with progress on stderr
               until it ends; exit 4 if it failed or was cancelled
      --json   print the job (the final one, with --wait) as the service shows it

    Example:
      lakeshelf-cli reindex articles --wait
    """;
  }

  @Override
  public int run(Arguments args, Context ctx)
      throws Failure, ServiceException, InterruptedException {
    if (args.positional().size() != 1) {
      throw Failure.usage("reindex takes one collection NAME (see lakeshelf-cli reindex --help)");
    }
    String name = args.positional().get(0);
    JsonNode job =
        ctx.client()
            .post("/v1/admin/collections/" + ServiceClient.segment(name) + "/reindex", null, false);
    String id = job.path("id").asString();
    if (!args.flag("wait")) {
      print(job, args, ctx);
      ctx.err().println("reindex: job " + id + " " + job.path("state").asString() + " for " + name);
      return Failure.OK;
    }
    Progress progress = null;
    long total = Long.MIN_VALUE;
    while (true) {
      String state = job.path("state").asString();
      long rowsTotal = job.path("rowsTotal").asLong(-1);
      if (rowsTotal != total) {
        if (progress != null) {
          progress.finish();
        }
        total = rowsTotal;
        progress = ctx.show(new Progress("reindex", total, 0, ctx.progress(), ctx.err()));
      }
      progress.update(job.path("rowsDone").asLong());
      if (!state.equals("queued") && !state.equals("running")) {
        progress.finish();
        ctx.show(null);
        print(job, args, ctx);
        String summary =
            String.format(
                Locale.ROOT,
                "reindex: %s: %d rows in %.1f s (%.0f rows/s), tableVersion %d, job %s",
                state,
                job.path("rowsDone").asLong(),
                progress.seconds(),
                progress.rate(),
                job.path("tableVersion").asLong(),
                id);
        ctx.err().println(summary);
        if (state.equals("succeeded")) {
          return Failure.OK;
        }
        throw new Failure(
            Failure.JOB_FAILED,
            "JOB_" + state.toUpperCase(Locale.ROOT),
            "reindex job "
                + id
                + " of "
                + name
                + " "
                + state
                + (job.hasNonNull("error") ? ": " + job.path("error").asString() : ""));
      }
      Thread.sleep(POLL_MILLIS);
      job = ctx.client().get("/v1/admin/jobs/" + ServiceClient.segment(id));
    }
  }

  private static void print(JsonNode job, Arguments args, Context ctx) {
    ctx.out()
        .println(
            args.flag("json")
                ? ServiceClient.JSON.writeValueAsString(job)
                : job.path("id").asString());
  }
}
