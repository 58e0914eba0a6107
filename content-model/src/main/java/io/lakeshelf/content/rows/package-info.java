/**
 * Reading given rows of a content table for the join from search hits back to the table: only the
 * row groups that hold the requested rows, only the requested columns, one open per data file and
 * the files read in parallel.
 */
package io.lakeshelf.content.rows;
