/**
 * Background jobs (reindex): their state, persisted under {@code <data-dir>/jobs} so that a job a
 * restart interrupted is reported failed rather than lost.
 */
package io.lakeshelf.api.jobs;
