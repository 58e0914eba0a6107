/**
 * The rows of a table as plain Java values, for consumers that must not depend on Delta Kernel (the
 * vector index): the top-level columns of a schema with their {@link
 * io.lakeshelf.content.scan.ColumnType}, and {@link io.lakeshelf.content.scan.FileRows}, a cursor
 * over the rows of one live data file that decodes ids, vectors, texts and scalar values from
 * Kernel's column vectors. No type of this package's API is a Kernel type.
 */
package io.lakeshelf.content.scan;
