/**
 * Files of documents read one row at a time, never whole: JSONL (one ingest document per line) and
 * Parquet (columns named like the document's fields). Each gives the documents as the JSON the
 * ingest API's {@code documents[]} takes, its total row count, and a position to resume from.
 */
package io.lakeshelf.cli.source;
