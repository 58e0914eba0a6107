package io.lakeshelf.spark;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * The text a row is embedded from, composed as the service composes a document's: its non-blank
 * text columns, in the order given, joined by a blank line ({@code "\n\n"}). For the columns {@code
 * title,body} that is exactly what the service embeds for a document with that title and text
 * ({@code DocumentValidator.embeddingInput}): both when both are non-blank, else the one that is.
 */
public final class SourceText {

  /** What separates two columns' texts. */
  public static final String SEPARATOR = "\n\n";

  private SourceText() {}

  /**
   * The composed text of {@code values} (one per text column, each may be null), or null when none
   * is non-blank: such a row has no text, and no vector.
   */
  public static String compose(List<String> values) {
    StringBuilder text = null;
    for (String value : values) {
      if (value == null || value.isBlank()) {
        continue;
      }
      if (text == null) {
        text = new StringBuilder(value);
      } else {
        text.append(SEPARATOR).append(value);
      }
    }
    return text == null ? null : text.toString();
  }

  /**
   * The SHA-256 of {@code text}'s UTF-8 bytes in lower-case hex (64 characters): what the source
   * column holds beside a vector, so that a later run re-embeds exactly the rows whose text
   * changed. Spark SQL computes the same with {@code sha2(text, 256)}.
   */
  public static String sha256(String text) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(digest.digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
