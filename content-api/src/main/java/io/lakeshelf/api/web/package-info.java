/**
 * The v1 HTTP API: the controllers, which map HTTP to a service of {@link io.lakeshelf.api.service}
 * and back, the response records, and the OpenAPI description. The contract is {@code
 * src/docs/api-v1.md}.
 */
package io.lakeshelf.api.web;
