/**
 * Lucene HNSW indexes derived from content tables. One index per collection and named vector,
 * built from the table, kept in step with it by {@link io.lakeshelf.index.VectorIndex#syncTo}, and
 * always rebuildable from the table alone. The on-disk layout is described in {@link
 * io.lakeshelf.index.VectorIndex}; the manifest in {@link io.lakeshelf.index.IndexManifest}.
 */
package io.lakeshelf.index;
