/**
 * The REST client of the command line: the JDK HttpClient with the key, JSON through Jackson 3,
 * retries of transient failures with backoff, and the service's problems as {@link
 * io.lakeshelf.cli.client.ServiceException}s.
 */
package io.lakeshelf.cli.client;
