/**
 * Collections: their definitions (persisted as JSON beside the data), the served state of each (its
 * Delta table, one vector index per named vector, the row reader) and the registry that opens them
 * at start and keeps their indexes in step with their tables.
 */
package io.lakeshelf.api.catalog;
