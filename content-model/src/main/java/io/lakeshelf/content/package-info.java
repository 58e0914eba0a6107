/**
 * The content model shared by every Lakeshelf module: documents, image anchors, named vector
 * specifications and row locators. These are small immutable records that check their arguments;
 * they carry no storage or Spring concerns.
 */
package io.lakeshelf.content;
