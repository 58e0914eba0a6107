/**
 * The v1 HTTP API: request and response records, their validation, and the controllers. The
 * contract is {@code src/docs/api-v1.md}.
 */
package io.lakeshelf.api.web;
