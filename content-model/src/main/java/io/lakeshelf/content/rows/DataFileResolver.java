package io.lakeshelf.content.rows;

import java.net.URI;
import java.util.Objects;

/** Resolves the data-file paths the Delta log holds (relative, URL-encoded) against a table root. */
public final class DataFileResolver {

  private final URI root;

  public DataFileResolver(String tableLocation) {
    Objects.requireNonNull(tableLocation, "tableLocation");
    String location = tableLocation.endsWith("/") ? tableLocation : tableLocation + "/";
    URI uri = URI.create(location.replace(" ", "%20"));
    this.root = uri.getScheme() == null ? java.nio.file.Path.of(tableLocation).toUri() : uri;
  }

  /** The absolute URI of a data file named as in the log. */
  public URI resolve(String logPath) {
    URI path = URI.create(logPath);
    return path.isAbsolute() ? path : root.resolve(path);
  }

  public URI root() {
    return root;
  }
}
