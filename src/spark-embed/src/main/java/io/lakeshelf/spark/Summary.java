package io.lakeshelf.spark;

/**
 * What a run did.
 *
 * @param table the table's location
 * @param scanned the rows read (the table's live rows at the version planned on)
 * @param embedded rows embedded and written: their vector was null, of another length, or from
 *     another text
 * @param cleared rows that have no text now but had a vector: it is set to null
 * @param current rows whose vector is up to date with their text
 * @param withoutText rows with no text and no vector, left so
 * @param updated rows the MERGE updated (embedded + cleared, less those whose text changed under
 *     the job since it planned: their vector is left for the next run)
 * @param commitVersion the version the MERGE committed, or -1 when there was nothing to do
 * @param tableVersion the table's version after the run
 */
public record Summary(
    String table,
    long scanned,
    long embedded,
    long cleared,
    long current,
    long withoutText,
    long updated,
    long commitVersion,
    long tableVersion) {

  /** Whether the run committed rows. */
  public boolean committed() {
    return commitVersion >= 0;
  }

  /** Rows the run left as they were. */
  public long unchanged() {
    return current + withoutText;
  }

  /** The line the job prints when it is done. */
  public String line() {
    String outcome =
        committed()
            ? "committed version " + commitVersion + " (" + updated + " rows updated)"
            : "nothing to do (table version " + tableVersion + ")";
    return "EmbedTableJob "
        + table
        + ": rows scanned "
        + scanned
        + ", rows embedded "
        + embedded
        + ", rows cleared "
        + cleared
        + ", rows unchanged "
        + unchanged()
        + " ("
        + withoutText
        + " without text); "
        + outcome;
  }
}
