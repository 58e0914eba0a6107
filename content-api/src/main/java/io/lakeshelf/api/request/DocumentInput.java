package io.lakeshelf.api.request;

import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;
import java.util.Map;

/** One document of an ingest request. */
public record DocumentInput(
    @Schema(
            requiredMode = Schema.RequiredMode.REQUIRED,
            minLength = 1,
            maxLength = 512,
            description = "1 to 512 characters, no control characters")
        String id,
    String title,
    String text,
    List<ImageInput> images,
    @Schema(
            description =
                "each named vector of the collection; one with `embed` may be left out (made from"
                    + " the text)")
        Map<String, float[]> vectors,
    @Schema(
            ref = "#/components/schemas/Metadata",
            description =
                "metadata by key; each value a string, an integer, a floating-point number or a"
                    + " boolean, kept with its type")
        Map<String, Object> metadata) {

  /** An image anchor as clients send it. */
  public record ImageInput(
      @Schema(
              requiredMode = Schema.RequiredMode.REQUIRED,
              description = "where the image is: a file or s3:// URI")
          String uri,
      String contentType,
      @Schema(minimum = "0") Long sizeBytes,
      String checksum,
      @Schema(
              description =
                  "the algorithm of `checksum`; images are checked with SHA-256, SHA-1, SHA-512,"
                      + " MD5, CRC32 or CRC32C (other names are kept, not checked)",
              example = "SHA-256")
          String checksumAlgorithm) {}
}
