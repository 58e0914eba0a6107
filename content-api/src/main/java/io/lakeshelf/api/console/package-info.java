/**
 * The web console: one page at {@code /} and its script and style under {@code /console/}, served
 * from the jar. The page holds no data and needs no key; everything it shows it reads through the
 * same REST API and roles as any client, with the key the user gives it, kept only in the tab.
 */
package io.lakeshelf.api.console;
