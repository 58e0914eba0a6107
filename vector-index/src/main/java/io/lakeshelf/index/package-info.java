/**
 * Lucene indexes derived from content tables. One index per collection and named vector, built from
 * the table, kept in step with it by {@link io.lakeshelf.index.VectorIndex#syncTo}, and always
 * rebuildable from the table alone; searched by vector (HNSW, optionally quantized), by keywords
 * (BM25) or both (reciprocal rank fusion), with filters. Subpackages: {@code schema} (the index's
 * documents and fields), {@code sync} (keeping an index in step with its table), {@code query} (the
 * kinds of search), {@code filter} (the filter language) and {@code embed} (text embedding models).
 * The on-disk layout is described in {@link io.lakeshelf.index.schema.IndexSchema}; the manifest in
 * {@link io.lakeshelf.index.IndexManifest}. Table rows reach the index as plain values through
 * {@link io.lakeshelf.content.scan}; no Delta Kernel type appears here.
 */
package io.lakeshelf.index;
