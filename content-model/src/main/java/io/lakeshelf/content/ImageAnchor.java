package io.lakeshelf.content;

import java.util.Objects;

/**
 * A reference to an image or other binary held elsewhere: where it is and how to check it. The
 * table stores the anchor, never the bytes.
 *
 * @param uri where the bytes live ({@code s3://…}, {@code file:/…}, …); never blank
 * @param contentType media type such as {@code image/png}; may be null
 * @param sizeBytes size of the bytes, or null when unknown; never negative
 * @param checksum checksum of the bytes in lower-case hex, or null
 * @param checksumAlgorithm algorithm of {@code checksum} such as {@code SHA-256}, or null
 */
public record ImageAnchor(
    String uri, String contentType, Long sizeBytes, String checksum, String checksumAlgorithm) {

  public ImageAnchor {
    Objects.requireNonNull(uri, "uri");
    if (uri.isBlank()) {
      throw new IllegalArgumentException("image uri must not be blank");
    }
    if (sizeBytes != null && sizeBytes < 0) {
      throw new IllegalArgumentException("image sizeBytes must not be negative: " + sizeBytes);
    }
  }
}
