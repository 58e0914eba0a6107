package io.lakeshelf.api.web;

import java.util.List;
import java.util.Map;

/** One document of an ingest request. */
public record DocumentInput(
    String id,
    String title,
    String text,
    List<ImageInput> images,
    Map<String, float[]> vectors,
    Map<String, String> metadata) {

  /** An image anchor as clients send it. */
  public record ImageInput(
      String uri, String contentType, Long sizeBytes, String checksum, String checksumAlgorithm) {}
}
