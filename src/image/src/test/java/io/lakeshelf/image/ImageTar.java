package io.lakeshelf.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The image the build wrote (target/jib-image.tar, Docker's archive format as {@code docker load}
 * takes it): its manifest, its config and its layers, unpacked with the machine's {@code tar}.
 */
final class ImageTar {

  static final Path TAR =
      Path.of(System.getProperty("lakeshelf.image.tar", "target/jib-image.tar")).toAbsolutePath();

  private static ImageTar loaded;
  private static final Map<Path, List<String>> ENTRIES = new java.util.HashMap<>();

  private final Path dir;
  private final JsonNode manifest;
  private final JsonNode config;

  private ImageTar(Path dir) throws IOException {
    this.dir = dir;
    JsonMapper json = JsonMapper.builder().build();
    JsonNode manifests = json.readTree(dir.resolve("manifest.json").toFile());
    assertThat(manifests.size()).as("images in %s", TAR).isEqualTo(1);
    this.manifest = manifests.get(0);
    this.config = json.readTree(dir.resolve(manifest.get("Config").asString()).toFile());
  }

  /** The tar, unpacked once per test JVM into target/image-test/archive. */
  static synchronized ImageTar load() throws IOException, InterruptedException {
    if (loaded == null) {
      assertThat(TAR).as("the image tar (built by `package`)").isRegularFile();
      Path dir = TAR.getParent().resolve("image-test/archive");
      deleteTree(dir);
      Files.createDirectories(dir);
      run(List.of("tar", "-xf", TAR.toString(), "-C", dir.toString()));
      loaded = new ImageTar(dir);
    }
    return loaded;
  }

  /** The archive's manifest entry: {@code Config}, {@code RepoTags}, {@code Layers}. */
  JsonNode manifest() {
    return manifest;
  }

  /** The image config (OCI image spec's config JSON: {@code config}, {@code rootfs}...). */
  JsonNode config() {
    return config;
  }

  /** The container config within it: {@code User}, {@code Entrypoint}, {@code Env}... */
  JsonNode container() {
    return config.get("config");
  }

  /** The image's environment as a map, in the config's order. */
  Map<String, String> environment() {
    Map<String, String> env = new LinkedHashMap<>();
    for (JsonNode e : container().get("Env")) {
      String s = e.asString();
      int eq = s.indexOf('=');
      env.put(s.substring(0, eq), s.substring(eq + 1));
    }
    return env;
  }

  /** The entrypoint followed by the command. */
  List<String> command() {
    List<String> command = new ArrayList<>();
    for (String field : List.of("Entrypoint", "Cmd")) {
      JsonNode node = container().get(field);
      if (node != null && node.isArray()) {
        node.forEach(n -> command.add(n.asString()));
      }
    }
    return command;
  }

  /** The layer files (gzipped tars), bottom first. */
  List<Path> layers() {
    List<Path> layers = new ArrayList<>();
    manifest.get("Layers").forEach(l -> layers.add(dir.resolve(l.asString())));
    return layers;
  }

  /** The paths one layer holds, as its tar lists them (no leading "./" or "/"). */
  static synchronized List<String> entries(Path layer) throws IOException, InterruptedException {
    List<String> entries = ENTRIES.get(layer);
    if (entries == null) {
      String listing =
          run(List.of("tar", "--warning=no-unknown-keyword", "-tzf", layer.toString()));
      entries =
          listing.lines().map(l -> l.replaceFirst("^\\./", "").replaceFirst("^/", "")).toList();
      ENTRIES.put(layer, entries);
    }
    return entries;
  }

  /** Unpacks every layer, bottom first, into {@code root} as a container runtime would. */
  void unpackInto(Path root) throws IOException, InterruptedException {
    Files.createDirectories(root);
    for (Path layer : layers()) {
      run(
          List.of(
              "tar",
              "--warning=no-unknown-keyword",
              "--same-owner",
              "-p",
              "-xzf",
              layer.toString(),
              "-C",
              root.toString()));
    }
  }

  static String run(List<String> command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
    assertThat(p.exitValue()).as("%s: %s", command, out).isZero();
    return out;
  }

  static void deleteTree(Path dir) throws IOException, InterruptedException {
    if (Files.exists(dir)) {
      run(List.of("rm", "-rf", "--one-file-system", dir.toString()));
    }
  }
}
