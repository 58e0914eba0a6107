/**
 * Index snapshots: an index copied, as of one commit, to a {@link
 * io.lakeshelf.content.storage.BlobStore} (a shared catalog on object storage), so that another
 * node serves it after a download instead of a build, then catches up from the table's log by the
 * usual sync. The layout and its guarantees are described in {@link
 * io.lakeshelf.index.snapshot.IndexSnapshots}.
 */
package io.lakeshelf.index.snapshot;
