/** Actuator contributions: one health indicator per dependency, and build information. */
package io.lakeshelf.api.health;
