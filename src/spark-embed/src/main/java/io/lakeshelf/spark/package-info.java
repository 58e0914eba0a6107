/**
 * Bulk embedding on Spark: {@link io.lakeshelf.spark.EmbedTableJob} fills or refreshes a Delta
 * table's embedding column from its text columns with the model the service bundles, so that the
 * service can serve the table as an external collection and embed text queries alike.
 *
 * <ul>
 *   <li>{@link io.lakeshelf.spark.JobOptions} are the job's command-line options;
 *   <li>{@link io.lakeshelf.spark.SourceText} composes a row's text as the service composes a
 *       document's, and hashes it, so a later run knows which vectors are stale;
 *   <li>{@link io.lakeshelf.spark.EmbedTableJob} plans, embeds (one model per executor JVM) and
 *       writes back with one MERGE.
 * </ul>
 */
package io.lakeshelf.spark;
