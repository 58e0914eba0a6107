package io.lakeshelf.springai;

import io.lakeshelf.api.LakeshelfApplication;
import io.lakeshelf.springai.autoconfigure.LakeshelfVectorStoreAutoConfiguration;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/** The real Lakeshelf service, in process on a random port over a given data directory. */
final class RunningLakeshelf implements AutoCloseable {

  private final ConfigurableApplicationContext context;
  private final URI baseUrl;

  private RunningLakeshelf(ConfigurableApplicationContext context) {
    this.context = context;
    int port = ((WebServerApplicationContext) context).getWebServer().getPort();
    this.baseUrl = URI.create("http://localhost:" + port);
  }

  /** Starts the service over {@code dataDir}, with extra {@code --key=value} settings. */
  static RunningLakeshelf start(Path dataDir, String... settings) {
    List<String> args = new ArrayList<>();
    args.add("--server.port=0");
    args.add("--lakeshelf.data-dir=" + dataDir);
    args.add("--lakeshelf.index.sync-interval=200ms");
    // This module's auto-configuration is on the test class path; the service has no use for it.
    args.add(
        "--spring.autoconfigure.exclude=" + LakeshelfVectorStoreAutoConfiguration.class.getName());
    args.addAll(List.of(settings));
    // One Spring application starts or stops at a time in this JVM: integration test classes run
    // two at a time, and Logback's context (one per JVM) is not safe for two logging systems
    // initialising or cleaning up at once (a ConcurrentModificationException in CI).
    synchronized (SpringApplication.class) {
      return new RunningLakeshelf(
          new SpringApplicationBuilder(LakeshelfApplication.class)
              .run(args.toArray(String[]::new)));
    }
  }

  /** The settings that make {@code key} the service's one key, with the admin role. */
  static String[] adminKey(String key) {
    return new String[] {
      "--lakeshelf.security.api-keys[0].name=spring-ai",
      "--lakeshelf.security.api-keys[0].hash=" + sha256(key),
      "--lakeshelf.security.api-keys[0].roles=admin"
    };
  }

  private static String sha256(String key) {
    try {
      return "sha256:"
          + HexFormat.of()
              .formatHex(
                  MessageDigest.getInstance("SHA-256")
                      .digest(key.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  URI baseUrl() {
    return baseUrl;
  }

  /** A client of this service without a key. */
  LakeshelfApiClient client() {
    return new LakeshelfApiClient(LakeshelfConnection.of(baseUrl));
  }

  @Override
  public void close() {
    synchronized (SpringApplication.class) { // see start
      context.close();
    }
  }
}
