/**
 * Text embedding in the service: the models a collection's vectors may name ({@code "embed"}), each
 * run on its own bounded pool, used to fill vectors on ingest and to embed {@code text} queries.
 */
package io.lakeshelf.api.embed;
