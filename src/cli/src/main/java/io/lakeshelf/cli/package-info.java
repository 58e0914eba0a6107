/**
 * {@code lakeshelf-cli}: the command line of Lakeshelf. {@link io.lakeshelf.cli.LakeshelfCli} reads
 * the arguments and runs one command ({@code ingest}, {@code search}, {@code collections}, {@code
 * reindex}) against the service's REST API, with progress on stderr and documented exit codes.
 */
package io.lakeshelf.cli;
