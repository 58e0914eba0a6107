package io.lakeshelf.image;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The Grafana dashboard, src/deploy/grafana/lakeshelf.json: its PromQL expressions and the metric
 * names they read.
 */
final class Dashboard {

  static final Path FILE = Path.of("../deploy/grafana/lakeshelf.json");

  /** PromQL words that are neither metrics nor functions (those are followed by "("). */
  private static final Set<String> KEYWORDS =
      Set.of(
          "by",
          "without",
          "on",
          "ignoring",
          "group_left",
          "group_right",
          "and",
          "or",
          "unless",
          "bool",
          "offset",
          "inf",
          "nan");

  private static final Pattern IDENTIFIER =
      Pattern.compile("(?<![\\w$])([a-zA-Z_:][a-zA-Z0-9_:]*)\\s*(\\()?");

  final JsonNode json;

  private Dashboard(JsonNode json) {
    this.json = json;
  }

  static Dashboard load() throws IOException {
    return new Dashboard(JsonMapper.builder().build().readTree(FILE.toFile()));
  }

  /** Every panel's query expressions (the variables' queries included). */
  List<String> expressions() {
    List<String> expressions = new ArrayList<>();
    for (JsonNode panel : json.get("panels")) {
      JsonNode targets = panel.get("targets");
      if (targets != null) {
        targets.forEach(t -> expressions.add(t.get("expr").asString()));
      }
    }
    for (JsonNode variable : json.get("templating").get("list")) {
      if (variable.has("definition")) {
        expressions.add(variable.get("definition").asString());
      }
    }
    return expressions;
  }

  /** The metric names one expression reads. */
  static Set<String> metricNames(String expr) {
    String bare =
        expr.replaceAll("label_values\\(\\s*([^,)]+?)\\s*,[^)]*\\)", "$1") // variables
            .replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", "\"\"") // string literals
            .replaceAll("\\{[^}]*}", " ") // label matchers
            .replaceAll("\\[[^\\]]*\\]", " ") // ranges
            .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ");
    Set<String> names = new TreeSet<>();
    Matcher m = IDENTIFIER.matcher(bare);
    while (m.find()) {
      String word = m.group(1);
      boolean function = m.group(2) != null;
      if (!function && !KEYWORDS.contains(word.toLowerCase())) {
        names.add(word);
      }
    }
    return names;
  }

  /**
   * The names a scrape must carry for every expression: a histogram's {@code _bucket}, a counter's
   * {@code _total} and so on are series names in the exposition, as the queries name them.
   */
  Set<String> metricNames() {
    Set<String> names = new TreeSet<>();
    expressions().forEach(e -> names.addAll(metricNames(e)));
    return names;
  }
}
