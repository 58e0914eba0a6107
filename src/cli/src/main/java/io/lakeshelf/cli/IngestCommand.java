package io.lakeshelf.cli;

import io.lakeshelf.cli.client.ServiceClient;
import io.lakeshelf.cli.client.ServiceException;
import io.lakeshelf.cli.source.DocumentSource;
import io.lakeshelf.cli.source.DocumentSource.Row;
import io.lakeshelf.cli.source.InputException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import tools.jackson.databind.JsonNode;

/**
 * {@code ingest FILE --collection NAME}: streams a JSONL or Parquet file to the ingest API in
 * batches, one in flight while the next is read, with progress, and a checkpoint after each batch
 * the service acknowledged. A batch ends at {@code --batch-size} documents, at 32 MiB of JSON, or
 * before a document whose id it already holds (so a file may repeat an id: later rows replace
 * earlier ones, as separate upserts would). Resuming re-sends at most the one batch that was in
 * flight; the service's ingest upserts by id in one commit per batch, so that cannot duplicate a
 * document.
 */
final class IngestCommand implements Command {

  /** Most JSON bytes in one batch: well under the service's 64 MB request limit. */
  static final int MAX_BATCH_BYTES = 32 << 20;

  @Override
  public String name() {
    return "ingest";
  }

  @Override
  public Set<String> valued() {
    return Set.of("collection", "batch-size", "format", "checkpoint");
  }

  @Override
  public Set<String> flags() {
    return Set.of("restart", "no-refresh");
  }

  @Override
  public String help() {
    return """
    Usage: lakeshelf-cli ingest FILE --collection NAME [options]

    Loads a file of documents into a managed collection, in batches (each an upsert by id
    in one commit), with progress on stderr. Interrupted (Ctrl-C, kill, a network failure),
    it resumes when run again with the same file and collection: from the checkpoint of the
    batches the service acknowledged, re-sending at most the batch that was in flight, which
    the upsert by id cannot duplicate.

    FILE is JSONL (one document per line, as the ingest API's documents[] takes it:
    {"id": "...", "title": "...", "text": "...", "vectors": {"body": [...]},
    "metadata": {...}, "images": [...]}) or Parquet (*.parquet; columns id, title, text,
    images, vectors, metadata named like those fields: vectors a struct of one float list
    per named vector, metadata a map or struct of scalars).

    Options:
      --collection NAME  the collection (required)
      --batch-size N     documents per request, 1 to 100000 (default 1000, the service's
                         lakeshelf.limits.max-documents); a batch also ends at 32 MiB
      --format F         jsonl or parquet (default: parquet for *.parquet, else jsonl)
      --checkpoint PATH  where progress is kept (default: under
                         $XDG_STATE_HOME/lakeshelf-cli/checkpoints, ~/.local/state by default)
      --restart          ignore a checkpoint and start from the first row
      --no-refresh       answer each batch after its commit, before the index shows it
                         (faster; search shows the rows after the next sync)

    Example:
      lakeshelf-cli ingest articles.jsonl --collection articles
      lakeshelf-cli ingest s3-export.parquet --collection articles --batch-size 500
    """;
  }

  @Override
  public int run(Arguments args, Context ctx)
      throws Failure, ServiceException, IOException, InterruptedException {
    if (args.positional().size() != 1) {
      throw Failure.usage("ingest takes one FILE (see lakeshelf-cli ingest --help)");
    }
    Path file = Path.of(args.positional().get(0)).toAbsolutePath().normalize();
    if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
      throw new Failure(Failure.USAGE, "FILE", "no readable file " + file);
    }
    String collection = args.required("collection");
    int batchSize = (int) args.number("batch-size", 1000, 1, 100_000);
    String format = args.value("format", DocumentSource.formatOf(file)).toLowerCase(Locale.ROOT);
    if (!format.equals("jsonl") && !format.equals("parquet")) {
      throw Failure.usage("--format must be jsonl or parquet, not " + format);
    }
    String url = ctx.client().base().toString();
    Path checkpointPath =
        args.value("checkpoint") != null
            ? Path.of(args.value("checkpoint")).toAbsolutePath()
            : Checkpoint.defaultPath(ctx.env(), url, collection, file);
    Checkpoint fresh = Checkpoint.start(url, collection, file, format);
    Checkpoint checkpoint = fresh;
    Checkpoint saved = Checkpoint.read(checkpointPath);
    if (saved != null && !args.flag("restart")) {
      if (saved.sameIngest(fresh)) {
        checkpoint = saved;
      } else {
        ctx.err()
            .println(
                "ingest: the checkpoint "
                    + checkpointPath
                    + " is of another ingest or an earlier version of the file; starting from the"
                    + " first row");
      }
    }
    String path =
        "/v1/collections/"
            + ServiceClient.segment(collection)
            + "/documents"
            + (args.flag("no-refresh") ? "?refresh=false" : "");
    try (DocumentSource source = DocumentSource.open(file, format, checkpoint.position())) {
      if (checkpoint.rowsDone() > 0) {
        ctx.err()
            .println(
                "ingest: resuming "
                    + file.getFileName()
                    + " at row "
                    + checkpoint.rowsDone()
                    + " of "
                    + source.totalRows()
                    + " (checkpoint "
                    + checkpointPath
                    + " of "
                    + checkpoint.updatedAt()
                    + ")");
      }
      if (!source.ignoredColumns().isEmpty()) {
        ctx.err()
            .println(
                "ingest: columns that are no document field are not sent: "
                    + String.join(", ", source.ignoredColumns()));
      }
      return new Run(ctx, source, path, batchSize, checkpointPath, checkpoint).run(file);
    }
  }

  /** One batch: its documents and where the next batch starts. */
  private record Batch(List<Row> rows, long nextPosition, byte[] body) {}

  /** What the service answered for a batch. */
  private record Ack(Batch batch, long tableVersion) {}

  /** One ingest run: the loop of batches, the checkpoint and the progress. */
  private static final class Run {
    private final Context ctx;
    private final DocumentSource source;
    private final String path;
    private final int batchSize;
    private final Path checkpointPath;
    private final Progress progress;
    private final long progressStart;
    private volatile Checkpoint checkpoint;
    private Row pending;
    private long pendingPosition;
    private Batch inFlightBatch;

    Run(
        Context ctx,
        DocumentSource source,
        String path,
        int batchSize,
        Path checkpointPath,
        Checkpoint checkpoint) {
      this.ctx = ctx;
      this.source = source;
      this.path = path;
      this.batchSize = batchSize;
      this.checkpointPath = checkpointPath;
      this.checkpoint = checkpoint;
      this.progressStart = checkpoint.rowsDone();
      this.progress =
          new Progress(
              "ingest", source.totalRows(), checkpoint.rowsDone(), ctx.progress(), ctx.err());
    }

    int run(Path file) throws Failure, ServiceException, IOException, InterruptedException {
      ctx.show(progress);
      Thread onInterrupt =
          new Thread(
              () -> {
                progress.finish();
                ctx.err().println(resumable("interrupted"));
                ctx.err().flush();
              });
      Runtime.getRuntime().addShutdownHook(onInterrupt);
      ExecutorService sender =
          Executors.newSingleThreadExecutor(
              r -> {
                Thread t = new Thread(r, "lakeshelf-cli-sender");
                t.setDaemon(true);
                return t;
              });
      try {
        Future<Ack> inFlight = null;
        while (true) {
          Batch batch;
          try {
            batch = read();
          } catch (InputException e) {
            if (inFlight != null) {
              acknowledge(inFlight);
            }
            throw new Failure(
                Failure.USAGE,
                "INPUT",
                file.getFileName() + ": " + e.getMessage() + "; " + acknowledgedSoFar());
          }
          if (inFlight != null) {
            acknowledge(inFlight);
            inFlight = null;
          }
          if (batch == null) {
            break;
          }
          Batch b = batch;
          inFlightBatch = b;
          inFlight =
              sender.submit(
                  () ->
                      new Ack(
                          b,
                          ctx.client().post(path, b.body(), true).path("tableVersion").asLong(-1)));
        }
        progress.finish();
        Files.deleteIfExists(checkpointPath);
        Checkpoint done = checkpoint;
        long total = source.totalRows();
        long resumedAt = progressStart;
        ctx.err()
            .println(
                String.format(
                    Locale.ROOT,
                    "ingest: done: %d rows%s%s in %.1f s (%.0f rows/s), tableVersion %d",
                    done.rowsDone(),
                    done.rowsDone() == total ? "" : " of " + total,
                    resumedAt == 0 ? "" : " (" + (done.rowsDone() - resumedAt) + " this run)",
                    progress.seconds(),
                    progress.rate(),
                    done.tableVersion()));
        return Failure.OK;
      } catch (ServiceException e) {
        progress.finish();
        String code = e.code();
        String detail = e.getMessage() + describeErrors(e);
        throw new Failure(
            e.kind() == ServiceException.Kind.REFUSED ? Failure.REFUSED : Failure.UNAVAILABLE,
            code,
            detail
                + "; "
                + (e.kind() == ServiceException.Kind.REFUSED
                    ? acknowledgedSoFar()
                    : resumable("stopped")));
      } finally {
        sender.shutdownNow();
        ctx.show(null);
        try {
          Runtime.getRuntime().removeShutdownHook(onInterrupt);
        } catch (IllegalStateException e) {
          // shutting down already: the hook runs
        }
      }
    }

    private String acknowledgedSoFar() {
      return checkpoint.rowsDone() + " of " + source.totalRows() + " rows acknowledged";
    }

    private String resumable(String what) {
      return "ingest "
          + what
          + ": "
          + acknowledgedSoFar()
          + (checkpoint.rowsDone() > 0 ? " (checkpoint " + checkpointPath + ")" : "")
          + "; run the same command again to resume";
    }

    /** Waits for the batch in flight, then records it as acknowledged. */
    private void acknowledge(Future<Ack> inFlight)
        throws ServiceException, IOException, InterruptedException {
      Ack ack;
      try {
        ack = inFlight.get();
      } catch (ExecutionException e) {
        if (e.getCause() instanceof ServiceException s) {
          throw s;
        }
        if (e.getCause() instanceof InterruptedException i) {
          throw i;
        }
        throw new IllegalStateException(e.getCause());
      }
      Checkpoint next =
          checkpoint.acknowledged(
              checkpoint.rowsDone() + ack.batch().rows().size(),
              ack.batch().nextPosition(),
              ack.tableVersion());
      next.write(checkpointPath);
      checkpoint = next;
      progress.update(next.rowsDone());
    }

    /** The next batch, or null after the last row. */
    private Batch read() throws IOException {
      List<Row> rows = new ArrayList<>();
      Set<String> ids = new HashSet<>();
      ByteArrayOutputStream body = new ByteArrayOutputStream(1 << 16);
      body.writeBytes("{\"documents\":[".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      long next = -1;
      while (rows.size() < batchSize) {
        long before;
        Row row;
        if (pending != null) {
          row = pending;
          before = pendingPosition;
          pending = null;
        } else {
          before = source.position();
          row = source.next();
          if (row == null) {
            break;
          }
        }
        if (!rows.isEmpty()
            && ((row.id() != null && ids.contains(row.id()))
                || body.size() + row.json().length + 2 > MAX_BATCH_BYTES)) {
          pending = row;
          pendingPosition = before;
          next = before;
          break;
        }
        if (!rows.isEmpty()) {
          body.write(',');
        }
        body.writeBytes(row.json());
        rows.add(row);
        if (row.id() != null) {
          ids.add(row.id());
        }
      }
      if (rows.isEmpty()) {
        return null;
      }
      body.write(']');
      body.write('}');
      return new Batch(rows, next >= 0 ? next : source.position(), body.toByteArray());
    }

    /** The first entries of a refused batch's {@code errors}, each named by its line or row. */
    private String describeErrors(ServiceException e) {
      JsonNode errors = e.problem() == null ? null : e.problem().get("errors");
      Batch batch = inFlightBatch;
      if (errors == null || !errors.isArray() || errors.isEmpty() || batch == null) {
        return "";
      }
      StringBuilder b = new StringBuilder(":");
      int shown = 0;
      for (JsonNode err : errors) {
        if (shown == 3) {
          b.append(" (and ").append(errors.size() - 3).append(" more)");
          break;
        }
        int index = err.path("index").asInt(-1);
        String where =
            index >= 0 && index < batch.rows().size() ? batch.rows().get(index).where() : "?";
        b.append(shown == 0 ? " " : "; ")
            .append(where)
            .append(err.hasNonNull("id") ? " (id " + err.path("id").asString() + ")" : "")
            .append(": ")
            .append(err.path("field").asString(""))
            .append(err.path("field").asString("").isEmpty() ? "" : ": ")
            .append(err.path("reason").asString(""));
        shown++;
      }
      return b.toString();
    }
  }
}
