/**
 * API keys: which key may do what. Keys are configured as SHA-256 hashes with roles; a servlet
 * filter decides the role each request needs and answers 401 or 403 problem+json.
 */
package io.lakeshelf.api.security;
