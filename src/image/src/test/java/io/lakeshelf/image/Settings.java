package io.lakeshelf.image;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The settings the service reads, from the configuration metadata of every jar it runs with
 * (content-api's {@code lakeshelf.*}, Spring Boot's {@code server.*}, {@code management.*}...), and
 * whether an environment variable names one under Spring Boot's rules for environment variables
 * (upper case, {@code .} as {@code _}, {@code -} dropped or as {@code _}, list elements as {@code
 * _<n>_}).
 */
final class Settings {

  /** Read by the JVM or the AWS SDK's default chain, not by Spring. */
  static final Set<String> NOT_SPRING =
      Set.of(
          "JAVA_TOOL_OPTIONS",
          "AWS_ACCESS_KEY_ID",
          "AWS_SECRET_ACCESS_KEY",
          "AWS_SESSION_TOKEN",
          "AWS_PROFILE",
          "AWS_REGION");

  private static final Pattern ELEMENT = Pattern.compile("_\\d+_([A-Z0-9]+)(_\\d+)?");

  record Setting(String name, String type) {
    /** The canonical form (dashes dropped) and the legacy one (dashes as underscores). */
    List<String> envNames() {
      String upper = name.replace('.', '_').toUpperCase(Locale.ROOT);
      return List.of(upper.replace("-", ""), upper.replace('-', '_'));
    }
  }

  private final List<Setting> settings;

  private Settings(List<Setting> settings) {
    this.settings = settings;
  }

  static Settings load() throws IOException {
    List<Setting> settings = new ArrayList<>();
    JsonMapper json = JsonMapper.builder().build();
    for (URL url :
        Collections.list(
            Settings.class
                .getClassLoader()
                .getResources("META-INF/spring-configuration-metadata.json"))) {
      try (InputStream in = url.openStream()) {
        for (JsonNode p : json.readTree(in).path("properties")) {
          settings.add(new Setting(p.get("name").asString(), p.path("type").asString("")));
        }
      }
    }
    return new Settings(settings);
  }

  boolean has(String name) {
    return settings.stream().anyMatch(s -> s.name().equals(name));
  }

  /** Whether the variable sets a setting (or an element's field of a list setting). */
  boolean isSetting(String env) {
    if (NOT_SPRING.contains(env)) {
      return true;
    }
    for (Setting s : settings) {
      for (String prefix : s.envNames()) {
        if (env.equals(prefix) || env.matches(Pattern.quote(prefix) + "_\\d+")) {
          return true;
        }
        if (env.startsWith(prefix + "_") && s.type().startsWith("java.util.List<")) {
          var m = ELEMENT.matcher(env.substring(prefix.length()));
          if (m.matches() && elementFields(s).contains(m.group(1))) {
            return true;
          }
        }
      }
    }
    return false;
  }

  /** A list setting's element's fields (a record's components), as environment names. */
  private static List<String> elementFields(Setting s) {
    String element = s.type().substring("java.util.List<".length(), s.type().length() - 1);
    if (element.startsWith("java.")) {
      return List.of();
    }
    Class<?> type;
    try {
      type = Class.forName(element, false, Settings.class.getClassLoader());
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException("the metadata names a type not on the class path", e);
    }
    List<String> fields = new ArrayList<>();
    if (type.isRecord()) {
      for (var c : type.getRecordComponents()) {
        fields.add(c.getName().toUpperCase(Locale.ROOT));
      }
    }
    return fields;
  }
}
