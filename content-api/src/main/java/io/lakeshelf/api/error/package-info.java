/** The one error-code enum and the translation of every failure into problem+json. */
package io.lakeshelf.api.error;
