package io.lakeshelf.content.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.stream.Stream;

/**
 * The shared fixtures ({@code ../shared/fixtures} beside the project, or the directory the system
 * property {@value #PROPERTY} names), copied into a temporary directory before a test touches them:
 * the originals are read-only. A test that needs them fails, rather than skips, when they are
 * missing: a build that cannot check Spark's rows must not pass.
 */
public final class Fixtures {

  /** Names the fixtures directory when it is not {@code shared/fixtures} above the project. */
  public static final String PROPERTY = "lakeshelf.fixtures";

  private Fixtures() {}

  /** The shared fixtures directory, found by walking up from the working directory. */
  public static Path root() {
    String configured = System.getProperty(PROPERTY);
    if (configured != null) {
      Path dir = Path.of(configured);
      if (!Files.isDirectory(dir)) {
        throw new IllegalStateException(PROPERTY + "=" + configured + " is not a directory");
      }
      return dir;
    }
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      Path candidate = p.resolve("shared").resolve("fixtures");
      if (Files.isDirectory(candidate)) {
        return candidate;
      }
    }
    throw new IllegalStateException(
        "no shared/fixtures above "
            + Path.of("").toAbsolutePath()
            + ": the tests read Lakeshelf's shared fixtures from ../shared beside the project"
            + " (or -D"
            + PROPERTY
            + "=DIR); see the README, Contributing");
  }

  /**
   * Copies the fixture at {@code relative} (e.g. {@code delta-golden/checkpoint}) into {@code dir}.
   */
  public static Path copy(String relative, Path dir) {
    Path source = root().resolve(relative);
    Path target = dir.resolve(source.getFileName().toString());
    try (Stream<Path> walk = Files.walk(source)) {
      for (Path p : walk.toList()) {
        Path t = target.resolve(source.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(t);
        } else {
          Files.copy(p, t, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return target;
  }
}
