/**
 * What requests do, one service per path: {@link io.lakeshelf.api.service.SearchService} (search
 * and reads by id, live and past versions), {@link io.lakeshelf.api.service.WriteService} (upserts
 * and deletes), {@link io.lakeshelf.api.service.CollectionService} with the pure {@link
 * io.lakeshelf.api.service.CollectionRules}, and {@link io.lakeshelf.api.service.ImageService}.
 * Controllers only map HTTP to these and back; the services know nothing of HTTP but the API's
 * refusals ({@link io.lakeshelf.api.error.ApiException}), which {@code ProblemAdvice} answers.
 */
package io.lakeshelf.api.service;
