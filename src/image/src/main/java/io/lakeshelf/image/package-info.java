/**
 * What the image carries besides the service: {@link io.lakeshelf.image.HealthProbe}, the health
 * check a container runs with the image's own Java (the image has no shell, curl or wget).
 */
package io.lakeshelf.image;
