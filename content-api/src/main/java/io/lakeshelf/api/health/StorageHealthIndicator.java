package io.lakeshelf.api.health;

import io.lakeshelf.api.catalog.CollectionRegistry;
import io.lakeshelf.api.catalog.ServedCollection;
import io.lakeshelf.content.storage.S3Location;
import io.lakeshelf.content.storage.StorageException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The {@code storage} component: the data directory can be written, and every bucket that holds a
 * served table answers one cheap request ({@code HeadBucket}). The answer is cached for {@value
 * #CACHE_SECONDS} seconds, so frequent probes cost no I/O and a slow store does not slow them.
 */
public final class StorageHealthIndicator extends AbstractHealthIndicator {

  static final int CACHE_SECONDS = 10;

  private final Path dataDir;
  private final CollectionRegistry registry;
  private final Supplier<S3Client> s3;
  private volatile Instant checkedAt = Instant.EPOCH;
  private volatile Probe last;

  private record Probe(String dataDirFailure, Map<String, String> buckets) {
    boolean up() {
      return dataDirFailure == null && buckets.values().stream().allMatch("UP"::equals);
    }
  }

  public StorageHealthIndicator(Path dataDir, CollectionRegistry registry, Supplier<S3Client> s3) {
    super("storage check failed");
    this.dataDir = dataDir.toAbsolutePath();
    this.registry = registry;
    this.s3 = s3;
  }

  @Override
  protected void doHealthCheck(Health.Builder builder) {
    if (last == null || Instant.now().isAfter(checkedAt.plus(Duration.ofSeconds(CACHE_SECONDS)))) {
      last = probe();
      checkedAt = Instant.now();
    }
    Probe p = last;
    builder.withDetail("dataDir", dataDir.toString());
    if (p.dataDirFailure() != null) {
      builder.withDetail("error", p.dataDirFailure());
    }
    if (!p.buckets().isEmpty()) {
      builder.withDetail("buckets", p.buckets());
    }
    if (p.up()) {
      builder.up();
    } else {
      builder.down();
    }
  }

  private Probe probe() {
    String dataDirFailure = null;
    try {
      Files.createDirectories(dataDir);
      Path probe = Files.createTempFile(dataDir, ".health", ".probe");
      Files.delete(probe);
    } catch (IOException | RuntimeException e) {
      dataDirFailure = "data directory not writable: " + e.getMessage();
    }
    TreeSet<String> bucketNames = new TreeSet<>();
    for (ServedCollection c : registry.all()) {
      String table = c.definition().table();
      if (S3Location.isS3(table)) {
        bucketNames.add(S3Location.parse(table).bucket());
      }
    }
    Map<String, String> buckets = new LinkedHashMap<>();
    for (String bucket : bucketNames) {
      try {
        s3.get().headBucket(b -> b.bucket(bucket));
        buckets.put(bucket, "UP");
      } catch (SdkException e) {
        IOException failure = StorageException.of("s3://" + bucket, e);
        buckets.put(bucket, "DOWN: " + failure.getMessage());
      }
    }
    return new Probe(dataDirFailure, buckets);
  }
}
