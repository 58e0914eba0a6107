/** Tests of the file sources: positions to resume from, and Parquet rows as JSON. */
package io.lakeshelf.cli.source;
