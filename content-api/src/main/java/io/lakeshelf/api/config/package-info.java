/** Typed settings and the auto-configuration that wires the libraries into Spring. */
package io.lakeshelf.api.config;
