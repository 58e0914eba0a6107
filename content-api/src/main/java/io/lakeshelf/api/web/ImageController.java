package io.lakeshelf.api.web;

import io.lakeshelf.api.catalog.CollectionRegistry;
import io.lakeshelf.api.catalog.ServedCollection;
import io.lakeshelf.api.config.LakeshelfProperties;
import io.lakeshelf.api.error.ApiException;
import io.lakeshelf.api.error.ErrorCode;
import io.lakeshelf.content.Document;
import io.lakeshelf.content.ImageAnchor;
import io.lakeshelf.content.rows.Projection;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.zip.CRC32;
import java.util.zip.CRC32C;
import java.util.zip.Checksum;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /v1/collections/{name}/documents/{id}/images/{n}}: the bytes behind a document's
 * n-th image anchor (from 0). Only files under {@code lakeshelf.images.allowed-locations} are
 * served, after resolving {@code ..} and links; any other URI ({@code http:}, a path out of the
 * allowed directories) is refused and never fetched. The bytes are read whole and checked against
 * the anchor's size and checksum before any is sent, so nothing wrong is ever served.
 */
@RestController
@io.swagger.v3.oas.annotations.tags.Tag(name = "documents")
public class ImageController {

  private final CollectionRegistry registry;
  private final LakeshelfProperties properties;
  private final List<Path> allowed = new ArrayList<>();

  public ImageController(CollectionRegistry registry, LakeshelfProperties properties) {
    this.registry = registry;
    this.properties = properties;
    for (String location : properties.images().allowedLocations()) {
      Path p = location.startsWith("file:") ? Path.of(URI.create(location)) : Path.of(location);
      if (!p.isAbsolute()) {
        throw new IllegalArgumentException("lakeshelf.images.allowed-locations must be absolute: " + location);
      }
      try {
        allowed.add(p.toRealPath());
      } catch (IOException e) {
        allowed.add(p.normalize());
      }
    }
  }

  @io.swagger.v3.oas.annotations.Operation(operationId = "getImage",
      summary = "The bytes of a document's n-th image, checked against its anchor")
  @GetMapping("/v1/collections/{name}/documents/{id}/images/{n}")
  public ResponseEntity<byte[]> image(
      @PathVariable String name,
      @PathVariable String id,
      @PathVariable int n,
      @RequestHeader(name = "If-None-Match", required = false) String ifNoneMatch)
      throws IOException {
    ServedCollection c = registry.get(name);
    Document doc = c.find(id, new Projection(false, false, true, false, false))
        .map(ServedCollection.Found::document)
        .orElseThrow(() -> new ApiException(
            ErrorCode.DOCUMENT_NOT_FOUND, "collection '" + name + "' has no document '" + id + "'"));
    if (n < 0 || n >= doc.images().size()) {
      throw new ApiException(ErrorCode.IMAGE_NOT_FOUND,
          "document '" + id + "' has " + doc.images().size() + " image(s); there is no image " + n);
    }
    ImageAnchor anchor = doc.images().get(n);
    Path file = allowedFile(anchor.uri());
    String etag = anchor.checksum() == null ? null : "\"" + anchor.checksum().toLowerCase(Locale.ROOT) + "\"";
    if (etag != null && etag.equals(ifNoneMatch)) {
      return ResponseEntity.status(304).eTag(etag).build();
    }
    byte[] bytes = read(file);
    verify(anchor, bytes);
    ResponseEntity.BodyBuilder ok = ResponseEntity.ok()
        .contentType(mediaType(anchor.contentType()))
        .contentLength(bytes.length)
        .cacheControl(CacheControl.noCache().cachePrivate());
    if (etag != null) {
      ok.eTag(etag);
    }
    return ok.body(bytes);
  }

  /** The local file an anchor names, if it lies under an allowed location; else 403. */
  private Path allowedFile(String uri) {
    Path path;
    String lower = uri.toLowerCase(Locale.ROOT);
    if (lower.startsWith("file:")) {
      path = Path.of(URI.create(uri));
    } else if (uri.startsWith("/")) {
      path = Path.of(uri);
    } else {
      throw new ApiException(ErrorCode.FORBIDDEN,
          "only local files under lakeshelf.images.allowed-locations are served; this image is at " + scheme(uri));
    }
    Path normalized = path.normalize();
    if (!under(normalized)) {
      throw new ApiException(ErrorCode.FORBIDDEN, "the image is outside lakeshelf.images.allowed-locations");
    }
    Path real;
    try {
      real = normalized.toRealPath();
    } catch (IOException e) {
      throw new ApiException(ErrorCode.IMAGE_NOT_FOUND, "the image's file does not exist");
    }
    if (!under(real) || !Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS)) {
      throw new ApiException(ErrorCode.FORBIDDEN, "the image leads outside lakeshelf.images.allowed-locations");
    }
    return real;
  }

  private boolean under(Path p) {
    for (Path a : allowed) {
      if (p.startsWith(a)) {
        return true;
      }
    }
    return false;
  }

  private static String scheme(String uri) {
    int colon = uri.indexOf(':');
    return colon > 0 ? "a " + uri.substring(0, colon) + ": URI" : "a relative path";
  }

  private byte[] read(Path file) throws IOException {
    long max = properties.images().maxSize().toBytes();
    try (InputStream in = Files.newInputStream(file)) {
      byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, max + 1));
      if (bytes.length > max) {
        throw new ApiException(ErrorCode.PAYLOAD_TOO_LARGE,
            "the image is larger than lakeshelf.images.max-size (" + max + " bytes)");
      }
      return bytes;
    } catch (NoSuchFileException e) {
      throw new ApiException(ErrorCode.IMAGE_NOT_FOUND, "the image's file does not exist");
    }
  }

  /** Refuses bytes whose size or checksum differ from the anchor's. */
  static void verify(ImageAnchor anchor, byte[] bytes) {
    if (anchor.sizeBytes() != null && anchor.sizeBytes() != bytes.length) {
      throw new ApiException(ErrorCode.IMAGE_MISMATCH, "the image has " + bytes.length
          + " bytes; its anchor says " + anchor.sizeBytes() + ". Nothing was served");
    }
    if (anchor.checksum() == null || anchor.checksumAlgorithm() == null) {
      return;
    }
    String actual = checksum(anchor.checksumAlgorithm(), bytes);
    if (actual != null && !actual.equalsIgnoreCase(anchor.checksum())) {
      throw new ApiException(ErrorCode.IMAGE_MISMATCH, "the image's " + anchor.checksumAlgorithm()
          + " is " + actual + "; its anchor says " + anchor.checksum() + ". Nothing was served");
    }
  }

  /** The checksum in lower-case hex, or null for an algorithm this service does not know. */
  static String checksum(String algorithm, byte[] bytes) {
    String a = algorithm.toUpperCase(Locale.ROOT).replace("-", "").replace("_", "");
    Checksum crc = switch (a) {
      case "CRC32" -> new CRC32();
      case "CRC32C" -> new CRC32C();
      default -> null;
    };
    if (crc != null) {
      crc.update(bytes, 0, bytes.length);
      return String.format("%08x", crc.getValue());
    }
    String jca = switch (a) {
      case "SHA256" -> "SHA-256";
      case "SHA1" -> "SHA-1";
      case "SHA512" -> "SHA-512";
      case "MD5" -> "MD5";
      default -> null;
    };
    if (jca == null) {
      return null;
    }
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance(jca).digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      return null;
    }
  }

  private static MediaType mediaType(String contentType) {
    try {
      return contentType == null ? MediaType.APPLICATION_OCTET_STREAM : MediaType.parseMediaType(contentType);
    } catch (RuntimeException e) {
      return MediaType.APPLICATION_OCTET_STREAM;
    }
  }
}
