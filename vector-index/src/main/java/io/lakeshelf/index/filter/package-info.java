/**
 * Metadata filters: the filter language of the search API ({@code eq}, {@code ne}, {@code in},
 * ranges, {@code exists}, {@code and}/{@code or}/{@code not}) as a typed tree, the filterable
 * fields of a table and their types, and the compilation of a filter to the Lucene query that
 * restricts a search inside HNSW (filtered kNN), BM25, or both.
 */
package io.lakeshelf.index.filter;
