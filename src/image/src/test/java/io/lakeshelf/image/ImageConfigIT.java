package io.lakeshelf.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The image tar the build wrote, read as a runtime reads it: named {@code lakeshelf:<version>}, run
 * as a numeric non-root user, port 8080, the service's entrypoint and environment, a volume at
 * /data, and the layers its config names present, intact, and split so that the service's own
 * classes do not share a layer with its libraries or the Java runtime.
 */
class ImageConfigIT {

  static ImageTar image;

  @BeforeAll
  static void load() throws Exception {
    image = ImageTar.load();
  }

  @Test
  void isNamedAfterTheProjectVersion() {
    String version = System.getProperty("lakeshelf.image.version", "0.1.0");
    assertThat(image.manifest().get("RepoTags").get(0).asString())
        .isEqualTo("lakeshelf:" + version);
    assertThat(image.config().get("os").asString()).isEqualTo("linux");
    assertThat(image.config().get("architecture").asString()).isEqualTo("amd64");
    assertThat(image.container().get("Labels").get("org.opencontainers.image.title").asString())
        .isEqualTo("Lakeshelf");
    assertThat(image.container().get("Labels").get("org.opencontainers.image.version").asString())
        .startsWith(version);
  }

  @Test
  void runsAsANumericUserThatIsNotRoot() {
    String user = image.container().get("User").asString();
    assertThat(user).matches("\\d+(:\\d+)?");
    assertThat(user.split(":")).allSatisfy(id -> assertThat(Integer.parseInt(id)).isPositive());
  }

  @Test
  void exposesTheServicePortAndKeepsDataInAVolume() {
    assertThat(image.container().get("ExposedPorts").propertyNames()).containsExactly("8080/tcp");
    assertThat(image.container().get("Volumes").propertyNames()).containsExactly("/data");
    assertThat(image.environment()).containsEntry("LAKESHELF_DATA_DIR", "/data");
  }

  @Test
  void startsTheServiceWithTheLaunchersJvmFlags() {
    List<String> command = image.command();
    assertThat(command.getFirst()).isEqualTo("/opt/java/bin/java");
    assertThat(command)
        .containsSubsequence("--add-modules", "jdk.incubator.vector")
        .contains("--enable-native-access=ALL-UNNAMED")
        .containsSubsequence("-cp", "@/app/jib-classpath-file")
        .endsWith("io.lakeshelf.api.LakeshelfApplication");
  }

  @Test
  void everyLayerIsPresentAndMatchesItsDiffId() throws Exception {
    List<Path> layers = image.layers();
    JsonNode diffIds = image.config().get("rootfs").get("diff_ids");
    assertThat(layers).hasSize(diffIds.size()).hasSizeGreaterThanOrEqualTo(4);
    for (int i = 0; i < layers.size(); i++) {
      assertThat(layers.get(i)).isRegularFile();
      MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
      try (InputStream in = new GZIPInputStream(Files.newInputStream(layers.get(i)))) {
        byte[] buffer = new byte[1 << 16];
        for (int n; (n = in.read(buffer)) > 0; ) {
          sha256.update(buffer, 0, n);
        }
      }
      assertThat("sha256:" + HexFormat.of().formatHex(sha256.digest()))
          .as("uncompressed digest of %s", layers.get(i))
          .isEqualTo(diffIds.get(i).asString());
    }
  }

  @Test
  void theServicesOwnClassesAreALayerApartFromItsLibrariesAndTheRuntime() throws Exception {
    Path service = layerHolding("app/libs/content-api-");
    Path libraries = layerHolding("app/libs/lucene-core-");
    Path runtime = layerHolding("opt/java/bin/java");
    assertThat(service).isNotEqualTo(libraries).isNotEqualTo(runtime);
    assertThat(libraries).isNotEqualTo(runtime);
    assertThat(ImageTar.entries(service))
        .filteredOn(e -> e.startsWith("app/libs/") && e.endsWith(".jar"))
        .allSatisfy(e -> assertThat(e).contains("-SNAPSHOT"));
    assertThat(layerHolding("app/classes/io/lakeshelf/image/HealthProbe.class")).isNotNull();
    List<String> root = ImageTar.entries(runtime);
    assertThat(root)
        .contains(
            "etc/passwd",
            "etc/group",
            "lib64/ld-linux-x86-64.so.2",
            "lib/x86_64-linux-gnu/libc.so.6",
            "lib/x86_64-linux-gnu/libstdc++.so.6");
    assertThat(root).anyMatch(e -> e.matches("tmp/?")).anyMatch(e -> e.matches("data/?"));
  }

  private static Path layerHolding(String prefix) throws Exception {
    for (Path layer : image.layers()) {
      if (ImageTar.entries(layer).stream().anyMatch(e -> e.startsWith(prefix))) {
        return layer;
      }
    }
    throw new AssertionError("no layer holds " + prefix);
  }
}
