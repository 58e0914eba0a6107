/**
 * Where tables live: the file layer Delta Kernel reads and writes through ({@link
 * io.delta.kernel.defaults.engine.fileio.FileIO}) and the engines built on it.
 */
package io.lakeshelf.content.storage;
