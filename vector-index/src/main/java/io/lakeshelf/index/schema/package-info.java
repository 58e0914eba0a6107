/**
 * The index's schema: its field names, the row and file-marker documents it holds, and how they
 * read back (a row's locator, the indexed files, the row counts). The on-disk layout is described
 * in {@link io.lakeshelf.index.schema.IndexSchema}.
 */
package io.lakeshelf.index.schema;
