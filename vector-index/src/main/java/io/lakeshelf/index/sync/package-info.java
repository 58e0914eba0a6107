/**
 * Keeping an index in step with its table: {@link io.lakeshelf.index.sync.SyncPlan}, the pure diff
 * of a snapshot's live files against the files the index holds, and {@link
 * io.lakeshelf.index.sync.IndexSync}, which applies a plan to the index writer, reading new files
 * through {@link io.lakeshelf.index.sync.FileIndexer}. Committing and publishing the result is the
 * caller's ({@link io.lakeshelf.index.VectorIndex#syncTo}).
 */
package io.lakeshelf.index.sync;
