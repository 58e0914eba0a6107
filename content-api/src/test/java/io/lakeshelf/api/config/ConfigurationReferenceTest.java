package io.lakeshelf.api.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The README's configuration reference names exactly the settings the service has: those in the
 * configuration metadata Spring Boot's processor generates from the
 * {@code @ConfigurationProperties} records (which IDEs read too). A setting added without its
 * README row, or a row left for a setting that is gone, fails here.
 */
class ConfigurationReferenceTest {

  @Test
  void theReadmeReferenceNamesEverySettingAndNoOther() throws IOException {
    Set<String> settings = new TreeSet<>();
    try (InputStream in =
        getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
      assertThat(in).as("the configuration processor's metadata").isNotNull();
      JsonNode metadata = JsonMapper.builder().build().readTree(in);
      metadata.path("properties").forEach(p -> settings.add(p.path("name").asString()));
    }
    assertThat(settings).contains("lakeshelf.data-dir", "lakeshelf.security.api-keys");

    String readme = Files.readString(Path.of("..", "README.md"));
    int from = readme.indexOf("## Configuration reference");
    int to = readme.indexOf("\n## ", from + 1);
    assertThat(from).as("the README's configuration reference").isGreaterThanOrEqualTo(0);
    Set<String> documented = new TreeSet<>();
    Matcher row =
        Pattern.compile("^\\| `(lakeshelf\\.[^`]+)`", Pattern.MULTILINE)
            .matcher(readme.substring(from, to < 0 ? readme.length() : to));
    while (row.find()) {
      documented.add(row.group(1));
    }
    assertThat(documented).isEqualTo(settings);
  }
}
