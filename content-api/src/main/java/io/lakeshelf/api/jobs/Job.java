package io.lakeshelf.api.jobs;

import java.time.Instant;
import java.util.Objects;

/**
 * A job as {@code GET /v1/admin/jobs/{id}} shows it.
 *
 * @param rowsDone rows read so far, over all the collection's vectors
 * @param rowsTotal rows to read (the table's live rows times its vectors), or -1 when unknown
 * @param tableVersion the table version the job builds from
 */
public record Job(
    String id,
    String collection,
    String kind,
    JobState state,
    long rowsDone,
    long rowsTotal,
    long tableVersion,
    Instant startedAt,
    Instant finishedAt,
    String error) {

  public Job {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(collection, "collection");
    Objects.requireNonNull(state, "state");
  }

  Job with(
      JobState newState, long done, long total, long version, Instant finished, String failure) {
    return new Job(
        id, collection, kind, newState, done, total, version, startedAt, finished, failure);
  }
}
