/**
 * The Lakeshelf service: Spring Boot at the edge of the plain content-model and vector-index
 * libraries. Everything Spring lives in this module.
 */
package io.lakeshelf.api;
