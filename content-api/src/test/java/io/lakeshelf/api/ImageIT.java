package io.lakeshelf.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakeshelf.api.RunningService.Answer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Image retrieval from real files: the right bytes, and every URI that must not be served. */
class ImageIT {

  @TempDir static Path dir;
  static RunningService service;
  static byte[] png = {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 1, 2, 3, 4, 5};
  static String sha;

  static String anchor(String uri, long size, String checksum, String algorithm) {
    return "{\"uri\": \""
        + uri
        + "\", \"contentType\": \"image/png\", \"sizeBytes\": "
        + size
        + ", \"checksum\": \""
        + checksum
        + "\", \"checksumAlgorithm\": \""
        + algorithm
        + "\"}";
  }

  @BeforeAll
  static void start() throws Exception {
    Path images = Files.createDirectories(dir.resolve("images"));
    Path outside = Files.createDirectories(dir.resolve("secrets"));
    Files.write(images.resolve("a.png"), png);
    Files.write(outside.resolve("b.png"), png);
    Files.createSymbolicLink(images.resolve("link.png"), outside.resolve("b.png"));
    sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(png));
    String crc = String.format("%08x", crcOf(png));
    service =
        RunningService.start(dir.resolve("data"), "--lakeshelf.images.allowed-locations=" + images);
    service.send("PUT", "/v1/collections/c", LakeshelfServiceIT.COLLECTION);
    String imagesJson =
        String.join(
            ",",
            anchor(images.resolve("a.png").toString(), png.length, sha, "SHA-256"), // 0 ok
            anchor("file:" + images.resolve("a.png"), png.length, crc, "CRC32C"), // 1 ok, file: URI
            anchor(outside.resolve("b.png").toString(), png.length, sha, "SHA-256"), // 2 outside
            anchor(images + "/../secrets/b.png", png.length, sha, "SHA-256"), // 3 .. escape
            anchor(images.resolve("link.png").toString(), png.length, sha, "SHA-256"), // 4 link out
            anchor("http://127.0.0.1:9/x.png", png.length, sha, "SHA-256"), // 5 http
            anchor(
                images.resolve("a.png").toString(),
                png.length,
                "00" + sha.substring(2),
                "SHA-256"), // 6 checksum
            anchor(images.resolve("a.png").toString(), png.length + 1, sha, "SHA-256"), // 7 size
            anchor(images.resolve("missing.png").toString(), 1, sha, "SHA-256"), // 8 missing
            anchor("s3://bucket/img.png", png.length, sha, "SHA-256")); // 9 not local
    Answer ingest =
        service.send(
            "POST",
            "/v1/collections/c/documents",
            "{\"documents\": [{\"id\": \"d\", \"images\": ["
                + imagesJson
                + "], \"vectors\": {\"body\": [1, 0, 0]}}]}");
    assertThat(ingest.status()).as(ingest.body()).isEqualTo(200);
  }

  static long crcOf(byte[] b) {
    java.util.zip.CRC32C c = new java.util.zip.CRC32C();
    c.update(b, 0, b.length);
    return c.getValue();
  }

  @AfterAll
  static void stop() {
    service.close();
  }

  static HttpResponse<byte[]> get(int n, Map<String, String> headers) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(
            URI.create(
                "http://localhost:" + service.port + "/v1/collections/c/documents/d/images/" + n));
    headers.forEach(b::header);
    return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  @Test
  void servesTheBytesWithContentTypeLengthAndEtag() throws Exception {
    for (int n : new int[] {0, 1}) {
      HttpResponse<byte[]> r = get(n, Map.of());
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).isEqualTo(png);
      assertThat(r.headers().firstValue("Content-Type")).contains("image/png");
      assertThat(r.headers().firstValue("Content-Length")).contains(Integer.toString(png.length));
      assertThat(r.headers().firstValue("ETag")).isPresent();
    }
    String etag = get(0, Map.of()).headers().firstValue("ETag").orElseThrow();
    assertThat(etag).isEqualTo("\"" + sha + "\"");
    assertThat(get(0, Map.of("If-None-Match", etag)).statusCode()).isEqualTo(304);
  }

  @Test
  void refusesEveryUriOutsideTheAllowedLocationsWithoutFetchingIt() throws Exception {
    for (int n : new int[] {2, 3, 4, 5, 9}) {
      HttpResponse<byte[]> r = get(n, Map.of());
      assertThat(r.statusCode()).as("image %d", n).isEqualTo(403);
      assertThat(new String(r.body())).contains("\"code\":\"FORBIDDEN\"");
    }
  }

  @Test
  void bytesThatDoNotMatchTheAnchorAreNotServed() throws Exception {
    for (int n : new int[] {6, 7}) {
      HttpResponse<byte[]> r = get(n, Map.of());
      assertThat(r.statusCode()).as("image %d", n).isEqualTo(422);
      String body = new String(r.body());
      assertThat(body).contains("\"code\":\"IMAGE_MISMATCH\"").doesNotContain("PNG");
    }
  }

  @Test
  void missingFilesAndImagesAnswer404() throws Exception {
    assertThat(new String(get(8, Map.of()).body())).contains("IMAGE_NOT_FOUND");
    assertThat(get(10, Map.of()).statusCode()).isEqualTo(404);
    assertThat(
            service.get("/v1/collections/c/documents/nope/images/0").json().get("code").asString())
        .isEqualTo("DOCUMENT_NOT_FOUND");
  }
}
