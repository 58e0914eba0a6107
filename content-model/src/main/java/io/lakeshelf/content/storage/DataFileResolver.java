package io.lakeshelf.content.storage;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Resolves the data-file paths the Delta log holds against a table root.
 *
 * <p>Two spellings meet here. The table root is a location as the storage layer and Delta Kernel
 * pass it around: a literal name, not a URI ({@code file:} followed by the file system path as it
 * is, an absolute path, or {@code s3://bucket/} followed by the key as it is), so it may hold any
 * character a file name or key may: {@code %}, {@code #}, {@code ?}, spaces, backslashes. The log's
 * paths are URIs, as the Delta protocol has them: relative ones percent-encoded, or absolute. The
 * root is therefore encoded into a URI component by component, the log path resolved against it,
 * and the result decoded back into a literal location ({@link #storageLocation}).
 */
public final class DataFileResolver {

  private final URI root;

  public DataFileResolver(String tableLocation) {
    Objects.requireNonNull(tableLocation, "tableLocation");
    this.root = directoryUri(tableLocation);
  }

  /** The absolute URI of a data file named as in the log. */
  public URI resolve(String logPath) {
    URI path = URI.create(logPath);
    return path.isAbsolute() ? path : root.resolve(path);
  }

  public URI root() {
    return root;
  }

  /**
   * A resolved data-file URI as the store names the object: {@code file:} and the decoded path, or
   * {@code s3://bucket/} and the decoded key.
   */
  public static String storageLocation(URI uri) {
    if ("file".equals(uri.getScheme())) {
      return "file:" + Path.of(uri);
    }
    return uri.getScheme() + "://" + uri.getAuthority() + uri.getPath();
  }

  /**
   * A literal table location as a hierarchical URI ending in {@code /}, every character encoded.
   */
  static URI directoryUri(String location) {
    try {
      if (S3Location.isS3(location)) {
        S3Location s3 = S3Location.parse(location);
        String key = s3.key().isEmpty() || s3.key().endsWith("/") ? s3.key() : s3.key() + "/";
        return new URI(s3.scheme(), s3.bucket(), "/" + key, null, null);
      }
      URI uri = LocalFileIO.toPath(location).toAbsolutePath().toUri();
      return uri.getPath().endsWith("/")
          ? uri
          : new URI(uri.getScheme(), null, uri.getPath() + "/", null, null);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("cannot form a URI of the table location " + location, e);
    }
  }
}
