/**
 * The kinds of search over one reader of an index, each its own class: {@link
 * io.lakeshelf.index.query.VectorSearch} (HNSW with a candidate count and a filter, rescored on a
 * quantized index), {@link io.lakeshelf.index.query.ExactSearch} (brute force over the
 * full-precision vectors), {@link io.lakeshelf.index.query.KeywordSearch} (BM25 over title and
 * text), {@link io.lakeshelf.index.query.RankFusion} (reciprocal rank fusion for hybrid search) and
 * {@link io.lakeshelf.index.query.RowLookup} (rows by filter, for delete by filter, and by id).
 * {@link io.lakeshelf.index.VectorIndex.View} chooses among them.
 */
package io.lakeshelf.index.query;
