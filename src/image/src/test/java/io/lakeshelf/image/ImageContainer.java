package io.lakeshelf.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * The image run without a container engine, as one would run it: its layers unpacked into a root,
 * the root mounted read-only (as Kubernetes' {@code readOnlyRootFilesystem}) in a mount namespace
 * of its own ({@code unshare}) with {@code /proc}, {@code /dev}, a tmpfs at {@code /tmp} and a
 * directory of the test's at {@code /data} (the volume), and the image's entrypoint started in it
 * by {@code chroot} as the image's user with exactly the image's environment. The network is the
 * host's, so the service listens on a free port given with {@code --server.port}. The process is
 * the service's JVM itself (each step execs the next), so {@link #stop()} sends it SIGTERM.
 */
final class ImageContainer implements AutoCloseable {

  /** Runs as root there, mounts in a fresh namespace: a container's set-up less the engine. */
  static final String SETUP =
      """
      set -eu
      root="$1"; data="$2"; shift 2
      mount --bind "$root" "$root"
      mount -o remount,bind,ro "$root"
      mount -t proc proc "$root/proc"
      mount --rbind /dev "$root/dev"
      mount -t tmpfs -o mode=1777,size=512m tmpfs "$root/tmp"
      mount --bind "$data" "$root/data"
      exec /usr/bin/env -i "$@"
      """;

  final Path root;
  final Path data;
  final Path log;
  final int port;
  final String user;
  final Map<String, String> env;
  private final Process process;

  private ImageContainer(
      Path root, Path data, Path log, int port, String user, Map<String, String> env, Process p) {
    this.root = root;
    this.data = data;
    this.log = log;
    this.port = port;
    this.user = user;
    this.env = env;
    this.process = p;
  }

  /** Skips the test, saying why, where this machine cannot run the image this way. */
  static void assumeRunnable() throws InterruptedException {
    boolean root = "root".equals(System.getProperty("user.name"));
    Assumptions.assumeTrue(
        root, "running the image needs root (mount namespaces and chroot); skipped as non-root");
    for (String tool : List.of("/usr/bin/unshare", "/usr/sbin/chroot", "/usr/bin/nsenter")) {
      Assumptions.assumeTrue(Files.isExecutable(Path.of(tool)), tool + " missing: skipped");
    }
    boolean mounts;
    try {
      Process p =
          new ProcessBuilder(
                  "/usr/bin/unshare", "--mount", "/bin/sh", "-c", "mount -t tmpfs t /mnt")
              .redirectErrorStream(true)
              .start();
      p.getInputStream().readAllBytes();
      mounts = p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      mounts = false;
    }
    Assumptions.assumeTrue(mounts, "this machine refuses mount namespaces (unshare --mount)");
  }

  /**
   * Unpacks the image into {@code dir}/root and starts its entrypoint and command with {@code args}
   * after them and {@code extraEnv} on top of the image's environment.
   */
  static ImageContainer start(
      ImageTar image, Path dir, Map<String, String> extraEnv, String... args)
      throws IOException, InterruptedException {
    ImageTar.deleteTree(dir);
    Path root = dir.resolve("root");
    image.unpackInto(root);
    // What a runtime provides: mount points for /proc and /dev.
    Files.createDirectories(root.resolve("proc"));
    Files.createDirectories(root.resolve("dev"));
    String user = image.container().get("User").asString();
    String uid = user.split(":")[0];
    String gid = user.contains(":") ? user.split(":")[1] : uid;
    Path data = Files.createDirectories(dir.resolve("data"));
    ImageTar.run(List.of("chown", uid + ":" + gid, data.toString()));
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Map<String, String> env = new java.util.LinkedHashMap<>(image.environment());
    env.putAll(extraEnv);
    List<String> command =
        new ArrayList<>(
            List.of("/usr/bin/unshare", "--mount", "/bin/sh", "-c", SETUP, "sh", root.toString()));
    command.add(data.toString());
    env.forEach((k, v) -> command.add(k + "=" + v));
    command.addAll(List.of("/usr/sbin/chroot", "--userspec=" + uid + ":" + gid, root.toString()));
    command.addAll(image.command());
    command.add("--server.port=" + port);
    command.addAll(List.of(args));
    Path log = dir.resolve("service.log");
    Process p =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    return new ImageContainer(root, data, log, port, uid + ":" + gid, env, p);
  }

  String url(String path) {
    return "http://localhost:" + port + path;
  }

  long pid() {
    return process.pid();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  String log() throws IOException {
    return Files.readString(log);
  }

  /**
   * Runs {@code command} inside the running container, as {@code docker exec} would: its mount
   * namespace and root, the image's user and environment.
   */
  Exec exec(List<String> command) throws IOException, InterruptedException {
    List<String> full =
        new ArrayList<>(
            List.of(
                "/usr/bin/nsenter",
                "--target",
                Long.toString(pid()),
                "--mount",
                "--root",
                "--wd",
                "--setuid",
                user.split(":")[0],
                "--setgid",
                user.split(":")[1],
                "--"));
    full.addAll(command);
    ProcessBuilder pb = new ProcessBuilder(full).redirectErrorStream(true);
    pb.environment().clear();
    pb.environment().putAll(env);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("%s finished", command).isTrue();
    System.out.println(command + " -> " + p.exitValue() + ": " + out.strip());
    return new Exec(p.exitValue(), out);
  }

  /** A command's exit status and output (standard output and error). */
  record Exec(int status, String output) {}

  /** SIGTERM, as a runtime stops a container; the exit status once it has exited. */
  int stop() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
    }
    return process.exitValue();
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
  }
}
