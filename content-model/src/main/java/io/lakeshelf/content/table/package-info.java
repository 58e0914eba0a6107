/**
 * Delta content tables, read and written with Delta Kernel: the managed table schema, snapshots and
 * their live data files, and all-or-nothing batch upserts and deletes.
 *
 * <p>Upserts and deletes rewrite the data files that hold replaced rows (copy-on-write) rather than
 * writing deletion vectors: Delta Kernel 4.4 cannot write deletion vectors, and a table without
 * them stays readable by every Delta reader at reader version 1. Files are small (one per ingest
 * batch), so a rewrite costs one batch-sized file per touched file.
 */
package io.lakeshelf.content.table;
