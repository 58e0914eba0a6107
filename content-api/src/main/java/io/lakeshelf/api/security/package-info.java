/**
 * API keys: which key may do what. Keys are configured as SHA-256 hashes with roles; a servlet
 * filter refuses paths not in their one canonical spelling, decides the role each request needs and
 * answers 401 or 403 problem+json; an interceptor checks the role again on the route the dispatcher
 * chose.
 */
package io.lakeshelf.api.security;
