/**
 * The v1 API's requests as the services take them: the records a request body binds to, and their
 * checks (filters parsed into the index's filter tree, documents validated against the collection's
 * vectors). The controllers bind them; the services run them.
 */
package io.lakeshelf.api.request;
