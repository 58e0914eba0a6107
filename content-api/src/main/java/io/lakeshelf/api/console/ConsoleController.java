package io.lakeshelf.api.console;

import io.lakeshelf.api.error.ApiException;
import io.lakeshelf.api.error.ErrorCode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * Serves the console: {@code GET /} is its page, {@code GET /console/{file}} its script and style.
 * Only the files named here exist, read from {@code classpath:/console/} once at start; nothing is
 * resolved from the request's path. Each answer carries a strong ETag (revalidated on every load,
 * so a new jar's console is seen at once) and a Content-Security-Policy that lets the page run only
 * its own script and talk only to this service: a document's text or metadata can never become
 * markup or script, and images are shown from the image endpoint as blobs.
 */
@RestController
public class ConsoleController {

  static final String CONTENT_SECURITY_POLICY =
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:;"
          + " connect-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'";

  private record Asset(byte[] bytes, MediaType type, String etag) {}

  private final Map<String, Asset> assets;

  public ConsoleController() {
    this.assets =
        Map.of(
            "index.html", load("index.html", MediaType.TEXT_HTML),
            "console.js", load("console.js", MediaType.valueOf("text/javascript")),
            "console.css", load("console.css", MediaType.valueOf("text/css")),
            "favicon.svg", load("favicon.svg", MediaType.valueOf("image/svg+xml")));
  }

  @GetMapping("/")
  public ResponseEntity<byte[]> page(
      @RequestHeader(name = "If-None-Match", required = false) String ifNoneMatch) {
    return answer(assets.get("index.html"), ifNoneMatch);
  }

  @GetMapping("/console/{file}")
  public ResponseEntity<byte[]> file(
      @PathVariable String file,
      @RequestHeader(name = "If-None-Match", required = false) String ifNoneMatch) {
    Asset asset = assets.get(file);
    if (asset == null) {
      throw new ApiException(ErrorCode.NOT_FOUND, "the console has no file '" + file + "'");
    }
    return answer(asset, ifNoneMatch);
  }

  private static ResponseEntity<byte[]> answer(Asset asset, String ifNoneMatch) {
    if (asset.etag().equals(ifNoneMatch)) {
      return ResponseEntity.status(304).eTag(asset.etag()).build();
    }
    return ResponseEntity.ok()
        .contentType(asset.type())
        .contentLength(asset.bytes().length)
        .eTag(asset.etag())
        .cacheControl(CacheControl.noCache())
        .header("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        .header("X-Content-Type-Options", "nosniff")
        .header("Referrer-Policy", "no-referrer")
        .body(asset.bytes());
  }

  private static Asset load(String name, MediaType type) {
    try (InputStream in = ConsoleController.class.getResourceAsStream("/console/" + name)) {
      if (in == null) {
        throw new IllegalStateException("the console's " + name + " is missing from the jar");
      }
      byte[] bytes = in.readAllBytes();
      if (type.getType().equals("text")) {
        type = new MediaType(type, java.nio.charset.StandardCharsets.UTF_8);
      }
      String etag =
          "\""
              + HexFormat.of()
                  .formatHex(MessageDigest.getInstance("SHA-256").digest(bytes))
                  .substring(0, 32)
              + "\"";
      return new Asset(bytes, type, etag);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
