package io.lakeshelf.cli;

import io.lakeshelf.cli.client.ServiceClient;
import io.lakeshelf.cli.client.ServiceException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code search --collection NAME}: one search request, its hits printed for a person or as JSON.
 */
final class SearchCommand implements Command {

  private static final int EXCERPT = 160;

  @Override
  public String name() {
    return "search";
  }

  @Override
  public Set<String> valued() {
    return Set.of(
        "collection",
        "text",
        "vector",
        "mode",
        "using",
        "k",
        "filter",
        "min-score",
        "include",
        "as-of-version");
  }

  @Override
  public Set<String> flags() {
    return Set.of("json");
  }

  @Override
  public String help() {
    return """
    Usage: lakeshelf-cli search --collection NAME (--text Q | --vector JSON) [options]

    Searches a collection (POST /v1/collections/NAME/search) and prints each hit: rank,
    score, id, title, and an excerpt of its text.

    Options:
      --collection NAME  the collection (required)
      --text Q           the query text: embedded by the vector's model (mode vector), or
                         the words of a keyword or hybrid search
      --vector JSON      the query vector, e.g. '[0.1, 0.2, ...]'
      --mode M           vector (default), keyword (BM25 over title and text) or hybrid
      --using NAME       which named vector (default: the only one)
      --k N              how many hits (default 10)
      --filter JSON      a filter, e.g. '{"field": "metadata.lang", "eq": "en"}',
                         or @FILE to read it from a file
      --min-score X      the lowest score a hit may have
      --include LIST     parts and columns to return, comma-separated (default: title, text,
                         images, metadata)
      --as-of-version V  search the table as of an older version
      --json             print the service's answer as it is

    Examples:
      lakeshelf-cli search --collection articles --text "delta lake time travel"
      lakeshelf-cli search --collection articles --mode hybrid --text "lucene" \\
          --filter '{"field": "metadata.year", "gte": 2024}' --k 5
    """;
  }

  @Override
  public int run(Arguments args, Context ctx)
      throws Failure, ServiceException, IOException, InterruptedException {
    if (!args.positional().isEmpty()) {
      throw Failure.usage(
          "search takes no argument '"
              + args.positional().get(0)
              + "' (see lakeshelf-cli search --help)");
    }
    String collection = args.required("collection");
    ObjectNode body = ServiceClient.JSON.createObjectNode();
    if (args.value("vector") != null) {
      JsonNode v = json("vector", args.value("vector"));
      if (!v.isArray()) {
        throw Failure.usage("--vector must be a JSON array of numbers, like '[0.1, 0.2]'");
      }
      body.set("vector", v);
    }
    if (args.value("text") != null) {
      body.put("text", args.value("text"));
    }
    if (args.value("using") != null) {
      body.put("using", args.value("using"));
    }
    if (args.value("k") != null) {
      body.put("k", args.number("k", 10, 1, Integer.MAX_VALUE));
    }
    if (args.value("filter") != null) {
      String f = args.value("filter");
      body.set(
          "filter",
          json("filter", f.startsWith("@") ? Files.readString(Path.of(f.substring(1))) : f));
    }
    if (args.value("min-score") != null) {
      try {
        body.put("minScore", Double.parseDouble(args.value("min-score")));
      } catch (NumberFormatException e) {
        throw Failure.usage("--min-score must be a number, not " + args.value("min-score"));
      }
    }
    if (args.value("mode") != null) {
      body.put("mode", args.value("mode").toLowerCase(Locale.ROOT));
    }
    if (args.value("include") != null) {
      ArrayNode include = body.putArray("include");
      for (String part : args.value("include").split(",")) {
        if (!part.isBlank()) {
          include.add(part.trim());
        }
      }
    }
    if (args.value("as-of-version") != null) {
      body.put("asOfVersion", args.number("as-of-version", 0, 0, Long.MAX_VALUE));
    }
    JsonNode answer =
        ctx.client()
            .post(
                "/v1/collections/" + ServiceClient.segment(collection) + "/search",
                ServiceClient.JSON.writeValueAsBytes(body),
                true);
    if (args.flag("json")) {
      ctx.out().println(ServiceClient.JSON.writeValueAsString(answer));
      return Failure.OK;
    }
    int rank = 0;
    for (JsonNode hit : answer.path("hits")) {
      rank++;
      JsonNode doc = hit.path("document");
      StringBuilder line =
          new StringBuilder()
              .append(String.format(Locale.ROOT, "%3d. %.4f  ", rank, hit.path("score").asDouble()))
              .append(hit.path("id").asString());
      if (doc.hasNonNull("title")) {
        line.append("  ").append(oneLine(doc.path("title").asString(), 100));
      }
      ctx.out().println(line);
      if (doc.hasNonNull("text")) {
        ctx.out().println("       " + oneLine(doc.path("text").asString(), EXCERPT));
      }
    }
    ctx.out()
        .println(
            (rank == 0 ? "no hits" : rank + (rank == 1 ? " hit" : " hits"))
                + " (tableVersion "
                + answer.path("tableVersion").asLong()
                + ", "
                + answer.path("tookMs").asLong()
                + " ms)");
    return Failure.OK;
  }

  private static JsonNode json(String option, String text) throws Failure {
    try {
      return ServiceClient.JSON.readTree(text);
    } catch (JacksonException e) {
      throw Failure.usage("--" + option + " is not valid JSON (" + e.getOriginalMessage() + ")");
    }
  }

  /** Whitespace collapsed, cut at {@code max} characters with an ellipsis. */
  static String oneLine(String s, int max) {
    String t = s.strip().replaceAll("\\s+", " ");
    return t.length() <= max ? t : t.substring(0, max - 1).stripTrailing() + "…";
  }
}
