/**
 * Tests of the command line against the real service, started in this JVM on a random port over a
 * temporary data directory, over real HTTP; files of 50,000 documents generated per run.
 */
package io.lakeshelf.cli;
