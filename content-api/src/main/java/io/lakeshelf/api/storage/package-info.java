/**
 * The service's side of table storage: the S3 clients built from {@code lakeshelf.s3.*} and the
 * {@code lakeshelf.storage.requests} metric.
 */
package io.lakeshelf.api.storage;
