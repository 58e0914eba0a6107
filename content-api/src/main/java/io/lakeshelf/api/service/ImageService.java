package io.lakeshelf.api.service;

import io.lakeshelf.api.config.LakeshelfProperties;
import io.lakeshelf.api.error.ApiException;
import io.lakeshelf.api.error.ErrorCode;
import io.lakeshelf.content.Document;
import io.lakeshelf.content.ImageAnchor;
import io.lakeshelf.content.rows.Projection;
import io.lakeshelf.content.storage.S3Location;
import io.lakeshelf.content.storage.StorageException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
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
import org.springframework.stereotype.Service;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * The bytes behind a document's n-th image anchor (from 0). Only files under {@code
 * lakeshelf.images.allowed-locations} are served, after resolving {@code ..} and links; any other
 * URI ({@code http:}, a path out of the allowed directories) is refused and never fetched. The
 * bytes are read whole and checked against the anchor's size and checksum before any is sent, so
 * nothing wrong is ever served.
 *
 * <p>{@code s3://} images are served when an allowed location is an {@code s3://bucket/prefix/}
 * that holds them: by default as a redirect to a presigned GET URL valid for {@code
 * lakeshelf.images.presign-ttl} (the object's size is checked against the anchor first, with one
 * HEAD), or, with {@code lakeshelf.images.s3-delivery=stream}, read by the service, checked against
 * size and checksum, and sent like a local file.
 */
@Service
public class ImageService {

  /** What to answer for an image. */
  public sealed interface Image {
    /** The client's copy ({@code If-None-Match}) is current. */
    record NotModified(String etag) implements Image {}

    /** Fetch it from {@code url}, a presigned URL. */
    record Redirect(URI url, String etag) implements Image {}

    /** The checked bytes; {@code etag} null when the anchor has no checksum. */
    record Bytes(byte[] bytes, String contentType, String etag) implements Image {}
  }

  private final SearchService reads;
  private final LakeshelfProperties properties;
  private final List<Path> allowed = new ArrayList<>();
  private final List<S3Location> allowedS3 = new ArrayList<>();
  private final S3Client s3;
  private final S3Presigner presigner;

  public ImageService(
      SearchService reads, LakeshelfProperties properties, S3Client s3, S3Presigner presigner) {
    this.reads = reads;
    this.properties = properties;
    this.s3 = s3;
    this.presigner = presigner;
    for (String location : properties.images().allowedLocations()) {
      if (S3Location.isS3(location)) {
        S3Location l = S3Location.parse(location);
        allowedS3.add(
            l.key().isEmpty() || l.key().endsWith("/")
                ? l
                : new S3Location(l.scheme(), l.bucket(), l.key() + "/"));
        continue;
      }
      Path p = location.startsWith("file:") ? Path.of(URI.create(location)) : Path.of(location);
      if (!p.isAbsolute()) {
        throw new IllegalArgumentException(
            "lakeshelf.images.allowed-locations must be absolute: " + location);
      }
      try {
        allowed.add(p.toRealPath());
      } catch (IOException e) {
        allowed.add(p.normalize());
      }
    }
  }

  /**
   * The n-th image of a document, unless {@code ifNoneMatch} names it.
   *
   * @throws ApiException 404 {@code DOCUMENT_NOT_FOUND} or {@code IMAGE_NOT_FOUND}, 403 {@code
   *     FORBIDDEN} outside the allowed locations, 422 {@code IMAGE_MISMATCH}, 413, 503
   */
  public Image image(String name, String id, int n, String ifNoneMatch) throws IOException {
    Document doc =
        reads
            .find(name, id, new Projection(false, false, true, false, false))
            .map(SearchService.Found::document)
            .orElseThrow(() -> SearchService.notFound(name, id));
    if (n < 0 || n >= doc.images().size()) {
      throw new ApiException(
          ErrorCode.IMAGE_NOT_FOUND,
          "document '" + id + "' has " + doc.images().size() + " image(s); there is no image " + n);
    }
    ImageAnchor anchor = doc.images().get(n);
    S3Location object = S3Location.isS3(anchor.uri()) ? allowedObject(anchor.uri()) : null;
    Path file = object == null ? allowedFile(anchor.uri()) : null;
    String etag =
        anchor.checksum() == null ? null : "\"" + anchor.checksum().toLowerCase(Locale.ROOT) + "\"";
    if (etag != null && etag.equals(ifNoneMatch)) {
      return new Image.NotModified(etag);
    }
    if (object != null
        && properties.images().s3Delivery() == LakeshelfProperties.S3Delivery.REDIRECT) {
      return redirect(anchor, object, etag);
    }
    byte[] bytes = object == null ? read(file) : read(object);
    verify(anchor, bytes);
    return new Image.Bytes(bytes, anchor.contentType(), etag);
  }

  /** The object an {@code s3://} anchor names, if it lies under an allowed S3 prefix; else 403. */
  private S3Location allowedObject(String uri) {
    S3Location object;
    try {
      object = S3Location.parse(uri);
    } catch (IllegalArgumentException e) {
      throw new ApiException(ErrorCode.FORBIDDEN, "the image's S3 URI is not valid");
    }
    String key = "/" + object.key() + "/";
    if (key.contains("/../") || key.contains("/./") || object.key().contains("//")) {
      throw new ApiException(
          ErrorCode.FORBIDDEN, "the image's S3 key has relative segments; it is not served");
    }
    for (S3Location a : allowedS3) {
      if (a.bucket().equals(object.bucket())
          && object.key().startsWith(a.key())
          && object.key().length() > a.key().length()) {
        return object;
      }
    }
    throw new ApiException(
        ErrorCode.FORBIDDEN, "the image is outside lakeshelf.images.allowed-locations");
  }

  /** 307 to a presigned URL, after one HEAD shows the object exists with the anchor's size. */
  private Image redirect(ImageAnchor anchor, S3Location object, String etag) {
    long size;
    try {
      size = s3.headObject(b -> b.bucket(object.bucket()).key(object.key())).contentLength();
    } catch (SdkException e) {
      throw s3Failure(object, e);
    }
    if (anchor.sizeBytes() != null && anchor.sizeBytes() != size) {
      throw new ApiException(
          ErrorCode.IMAGE_MISMATCH,
          "the image has "
              + size
              + " bytes; its anchor says "
              + anchor.sizeBytes()
              + ". Nothing was served");
    }
    URI url;
    try {
      url =
          presigner
              .presignGetObject(
                  r ->
                      r.signatureDuration(properties.images().presignTtl())
                          .getObjectRequest(
                              g -> {
                                g.bucket(object.bucket()).key(object.key());
                                if (anchor.contentType() != null) {
                                  g.responseContentType(anchor.contentType());
                                }
                              }))
              .url()
              .toURI();
    } catch (URISyntaxException | SdkException e) {
      throw new ApiException(
          ErrorCode.STORAGE_UNAVAILABLE, "cannot presign a URL for the image: " + e.getMessage());
    }
    return new Image.Redirect(url, etag);
  }

  private byte[] read(S3Location object) {
    long max = properties.images().maxSize().toBytes();
    try (InputStream in = s3.getObject(b -> b.bucket(object.bucket()).key(object.key()))) {
      byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, max + 1));
      if (bytes.length > max) {
        throw new ApiException(
            ErrorCode.PAYLOAD_TOO_LARGE,
            "the image is larger than lakeshelf.images.max-size (" + max + " bytes)");
      }
      return bytes;
    } catch (SdkException e) {
      throw s3Failure(object, e);
    } catch (IOException e) {
      throw new ApiException(
          ErrorCode.STORAGE_UNAVAILABLE, "reading the image failed: " + e.getMessage());
    }
  }

  private static ApiException s3Failure(S3Location object, SdkException e) {
    IOException failure = StorageException.of(object.uri(), e);
    if (failure instanceof FileNotFoundException) {
      return new ApiException(ErrorCode.IMAGE_NOT_FOUND, "the image's object does not exist");
    }
    return new ApiException(
        ErrorCode.STORAGE_UNAVAILABLE, "cannot reach the image: " + failure.getMessage());
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
      throw new ApiException(
          ErrorCode.FORBIDDEN,
          "only files and s3:// objects under lakeshelf.images.allowed-locations are served; this"
              + " image is at "
              + scheme(uri));
    }
    Path normalized = path.normalize();
    if (!under(normalized)) {
      throw new ApiException(
          ErrorCode.FORBIDDEN, "the image is outside lakeshelf.images.allowed-locations");
    }
    Path real;
    try {
      real = normalized.toRealPath();
    } catch (IOException e) {
      throw new ApiException(ErrorCode.IMAGE_NOT_FOUND, "the image's file does not exist");
    }
    if (!under(real) || !Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS)) {
      throw new ApiException(
          ErrorCode.FORBIDDEN, "the image leads outside lakeshelf.images.allowed-locations");
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
        throw new ApiException(
            ErrorCode.PAYLOAD_TOO_LARGE,
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
      throw new ApiException(
          ErrorCode.IMAGE_MISMATCH,
          "the image has "
              + bytes.length
              + " bytes; its anchor says "
              + anchor.sizeBytes()
              + ". Nothing was served");
    }
    if (anchor.checksum() == null || anchor.checksumAlgorithm() == null) {
      return;
    }
    String actual = checksum(anchor.checksumAlgorithm(), bytes);
    if (actual != null && !actual.equalsIgnoreCase(anchor.checksum())) {
      throw new ApiException(
          ErrorCode.IMAGE_MISMATCH,
          "the image's "
              + anchor.checksumAlgorithm()
              + " is "
              + actual
              + "; its anchor says "
              + anchor.checksum()
              + ". Nothing was served");
    }
  }

  /** The checksum in lower-case hex, or null for an algorithm this service does not know. */
  static String checksum(String algorithm, byte[] bytes) {
    String a = algorithm.toUpperCase(Locale.ROOT).replace("-", "").replace("_", "");
    Checksum crc =
        switch (a) {
          case "CRC32" -> new CRC32();
          case "CRC32C" -> new CRC32C();
          default -> null;
        };
    if (crc != null) {
      crc.update(bytes, 0, bytes.length);
      return String.format("%08x", crc.getValue());
    }
    String jca =
        switch (a) {
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
}
