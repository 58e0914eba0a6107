package io.lakeshelf.api.health;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * The {@code storage} component: the data directory exists and a file can be written and deleted
 * in it. The answer is cached briefly so that frequent probes cost no I/O.
 */
public final class StorageHealthIndicator extends AbstractHealthIndicator {

  private static final Duration CACHE = Duration.ofSeconds(5);

  private final Path dataDir;
  private volatile Instant checkedAt = Instant.EPOCH;
  private volatile String failure;

  public StorageHealthIndicator(Path dataDir) {
    super("storage check failed");
    this.dataDir = dataDir.toAbsolutePath();
  }

  @Override
  protected void doHealthCheck(Health.Builder builder) {
    if (Instant.now().isAfter(checkedAt.plus(CACHE))) {
      failure = probe();
      checkedAt = Instant.now();
    }
    builder.withDetail("store", "local").withDetail("dataDir", dataDir.toString());
    if (failure == null) {
      builder.up();
    } else {
      builder.down().withDetail("error", failure);
    }
  }

  private String probe() {
    try {
      Files.createDirectories(dataDir);
      Path probe = Files.createTempFile(dataDir, ".health", ".probe");
      Files.delete(probe);
      return null;
    } catch (IOException | RuntimeException e) {
      return "data directory not writable: " + e.getMessage();
    }
  }
}
