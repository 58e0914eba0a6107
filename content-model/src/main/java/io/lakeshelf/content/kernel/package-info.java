/**
 * The adapter over Delta Kernel's non-public packages: the one class the rest of Lakeshelf calls
 * where Kernel's public API has no way yet, so that a Kernel upgrade that moves an internal breaks
 * one class.
 */
package io.lakeshelf.content.kernel;
