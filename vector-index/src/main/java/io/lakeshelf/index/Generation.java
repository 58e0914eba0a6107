package io.lakeshelf.index;

import io.lakeshelf.index.schema.IndexSchema;
import java.io.IOException;
import org.apache.lucene.index.DirectoryReader;

/**
 * One published state of an index: a reader paired with the manifest of the table version it
 * reflects and its row counts. Each generation holds one reference to its reader (two generations
 * may share a reader when a sync changed only the manifest).
 */
record Generation(DirectoryReader reader, IndexManifest manifest, long rows, long skipped) {

  /** A generation of {@code reader}, taking over the caller's reference to it. */
  static Generation of(DirectoryReader reader, IndexManifest manifest) throws IOException {
    return new Generation(
        reader, manifest, IndexSchema.countRows(reader), IndexSchema.countSkipped(reader));
  }
}
