package io.lakeshelf.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The Kubernetes example (src/deploy/kubernetes) and the compose file agree with the image and the
 * service: the image they run is the one the build tags, ports and user are the image's, the probes
 * are the health groups {@link ImageRunIT} finds answering, every environment variable sets a real
 * setting, secrets they name are defined, and the root file system can be read-only because every
 * place the service writes is a volume.
 */
class DeploymentManifestsIT {

  static final Path KUBERNETES = Path.of("../deploy/kubernetes");

  static ImageTar image;
  static Settings settings;
  static List<Map<String, Object>> resources;

  @BeforeAll
  static void load() throws Exception {
    image = ImageTar.load();
    settings = Settings.load();
    resources = new ArrayList<>();
    try (Stream<Path> files = Files.list(KUBERNETES)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
        try (InputStream in = Files.newInputStream(file)) {
          for (Object doc : new Yaml().loadAll(in)) {
            @SuppressWarnings("unchecked")
            Map<String, Object> resource = (Map<String, Object>) doc;
            resources.add(resource);
          }
        }
      }
    }
  }

  @Test
  void theSettingsAreReadFromTheServicesMetadata() throws Exception {
    assertThat(settings.has("lakeshelf.catalog.location")).isTrue();
    assertThat(settings.has("server.port")).isTrue();
    assertThat(settings.isSetting("LAKESHELF_CATALOG_LOCATION")).isTrue();
    assertThat(settings.isSetting("LAKESHELF_S3_PATH_STYLE_ACCESS")).isTrue();
    assertThat(settings.isSetting("LAKESHELF_SECURITY_APIKEYS_0_HASH")).isTrue();
    assertThat(settings.isSetting("LAKESHELF_SECURITY_APIKEYS_0_SECRET")).isFalse();
    assertThat(settings.isSetting("LAKESHELF_CATALOG_LOCACTION")).isFalse();
    assertThat(settings.isSetting("LAKESHELF_S3_PATHSTYLE")).isFalse();
  }

  @Test
  void theDeploymentRunsReplicasOfTheImageOverASharedCatalog() throws Exception {
    Map<String, Object> spec = map(deployment(), "spec");
    assertThat(spec.get("replicas")).isEqualTo(3);
    Map<String, Object> container = container();
    assertThat(container.get("image")).isEqualTo(imageTag());
    Map<String, String> env = environment(container);
    assertThat(env.keySet()).allSatisfy(e -> assertThat(settings.isSetting(e)).as(e).isTrue());
    assertThat(env.get("LAKESHELF_CATALOG_LOCATION")).startsWith("s3://");
    assertThat(env.keySet()).contains("LAKESHELF_SECURITY_APIKEYS_0_HASH");
  }

  @Test
  void portsProbesAndUserAreTheImages() {
    Map<String, Object> container = container();
    List<Map<String, Object>> ports = list(container, "ports");
    assertThat(ports).hasSize(1);
    assertThat(ports.getFirst().get("containerPort") + "/tcp")
        .isIn(image.container().get("ExposedPorts").propertyNames());
    String portName = (String) ports.getFirst().get("name");
    for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
      Map<String, Object> get = map(map(container, probe), "httpGet");
      assertThat(get.get("port")).as(probe).isIn(portName, ports.getFirst().get("containerPort"));
      assertThat(get.get("path"))
          .as(probe)
          .isEqualTo(
              probe.equals("readinessProbe")
                  ? "/actuator/health/readiness"
                  : "/actuator/health/liveness");
    }
    String[] user = image.container().get("User").asString().split(":");
    Map<String, Object> pod = map(map(map(deployment(), "spec"), "template"), "spec");
    Map<String, Object> security = map(pod, "securityContext");
    assertThat(security.get("runAsNonRoot")).isEqualTo(true);
    assertThat(String.valueOf(security.get("runAsUser"))).isEqualTo(user[0]);
    assertThat(String.valueOf(security.get("runAsGroup"))).isEqualTo(user[user.length - 1]);
  }

  @Test
  void aReadOnlyRootHasAVolumeWhereverTheServiceWrites() {
    Map<String, Object> container = container();
    assertThat(map(container, "securityContext").get("readOnlyRootFilesystem")).isEqualTo(true);
    List<Object> mounts =
        list(container, "volumeMounts").stream().map(m -> m.get("mountPath")).toList();
    // /tmp: ONNX Runtime's native libraries, Tomcat; /data: the image's volume, the indexes.
    assertThat(mounts).contains("/tmp", image.environment().get("LAKESHELF_DATA_DIR"));
    assertThat(mounts).containsAll(image.container().get("Volumes").propertyNames());
  }

  @Test
  void theServiceAndTheScrapeReachThePodsPort() {
    Map<String, Object> service = resource("Service", "lakeshelf");
    Map<String, Object> podLabels = map(map(map(deployment(), "spec"), "template"), "metadata");
    assertThat(map(podLabels, "labels"))
        .containsAllEntriesOf(map(map(service, "spec"), "selector"));
    List<Map<String, Object>> ports = list(map(service, "spec"), "ports");
    assertThat(ports.getFirst().get("targetPort"))
        .isEqualTo(list(container(), "ports").getFirst().get("name"));

    Map<String, Object> monitor = resource("ServiceMonitor", "lakeshelf");
    Map<String, Object> endpoint = list(map(monitor, "spec"), "endpoints").getFirst();
    assertThat(endpoint.get("path")).isEqualTo("/actuator/prometheus");
    assertThat(endpoint.get("port")).isEqualTo(ports.getFirst().get("name"));
    Map<String, Object> credentials = map(map(endpoint, "authorization"), "credentials");
    assertThat(map(resource("Secret", (String) credentials.get("name")), "stringData"))
        .containsKey((String) credentials.get("key"));
  }

  @Test
  void everySecretTheDeploymentNamesIsDefined() {
    for (Map<String, Object> e : list(container(), "env")) {
      if (e.get("valueFrom") instanceof Map<?, ?> from && from.get("secretKeyRef") != null) {
        Map<?, ?> ref = (Map<?, ?>) from.get("secretKeyRef");
        assertThat(map(resource("Secret", (String) ref.get("name")), "stringData"))
            .as("%s", e.get("name"))
            .containsKey((String) ref.get("key"));
      }
    }
  }

  @Test
  void composeRunsTheImageWithRealSettings() throws Exception {
    try (InputStream in = Files.newInputStream(Path.of("../../docker-compose.yml"))) {
      Map<String, Object> compose = new Yaml().load(in);
      Map<String, Object> service = map(map(compose, "services"), "lakeshelf");
      assertThat(service.get("image")).isEqualTo(imageTag());
      assertThat(map(service, "environment").keySet())
          .allSatisfy(e -> assertThat(settings.isSetting(e)).as(e).isTrue());
      assertThat((List<?>) service.get("volumes"))
          .anyMatch(v -> String.valueOf(v).endsWith(":/data"));
      assertThat(String.valueOf(service.get("ports"))).isEqualTo("[8080:8080]");
    }
    assertThat(ImageRunIT.composeHealthCheck()).contains("io.lakeshelf.image.HealthProbe");
  }

  private static String imageTag() {
    return image.manifest().get("RepoTags").get(0).asString();
  }

  private static Map<String, Object> deployment() {
    return resource("Deployment", "lakeshelf");
  }

  private static Map<String, Object> container() {
    Map<String, Object> pod = map(map(map(deployment(), "spec"), "template"), "spec");
    return list(pod, "containers").getFirst();
  }

  private static Map<String, String> environment(Map<String, Object> container) {
    Map<String, String> env = new java.util.LinkedHashMap<>();
    for (Map<String, Object> e : list(container, "env")) {
      env.put((String) e.get("name"), String.valueOf(e.get("value")));
    }
    return env;
  }

  private static Map<String, Object> resource(String kind, String name) {
    return resources.stream()
        .filter(r -> kind.equals(r.get("kind")) && name.equals(map(r, "metadata").get("name")))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + kind + " " + name + " in " + KUBERNETES));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Map<String, Object> parent, String key) {
    Object value = parent.get(key);
    assertThat(value).as(key).isInstanceOf(Map.class);
    return (Map<String, Object>) value;
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> list(Map<String, Object> parent, String key) {
    Object value = parent.get(key);
    assertThat(value).as(key).isInstanceOf(List.class);
    return (List<Map<String, Object>>) value;
  }
}
