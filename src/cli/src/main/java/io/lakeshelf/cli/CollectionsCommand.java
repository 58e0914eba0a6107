package io.lakeshelf.cli;

import io.lakeshelf.cli.client.ServiceClient;
import io.lakeshelf.cli.client.ServiceException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/** {@code collections [NAME]}: the collections as a table, or one collection in detail. */
final class CollectionsCommand implements Command {

  private static final List<String> HEADER =
      List.of("NAME", "MODE", "STATUS", "DOCUMENTS", "TABLE_VERSION", "INDEXED_VERSION", "LAG");

  @Override
  public String name() {
    return "collections";
  }

  @Override
  public Set<String> valued() {
    return Set.of();
  }

  @Override
  public Set<String> flags() {
    return Set.of("json");
  }

  @Override
  public String help() {
    return """
    Usage: lakeshelf-cli collections [NAME] [--json]

    Without NAME, lists the collections: name, mode, status, documents, tableVersion,
    indexedVersion and lag (table versions the index is behind). With NAME, shows that
    collection: its table, vectors, filterable fields, index source and any failure.

    Options:
      --json   print the service's answer as it is

    Examples:
      lakeshelf-cli collections
      lakeshelf-cli collections articles
    """;
  }

  @Override
  public int run(Arguments args, Context ctx)
      throws Failure, ServiceException, InterruptedException {
    if (args.positional().size() > 1) {
      throw Failure.usage("collections takes at most one NAME");
    }
    if (args.positional().size() == 1) {
      JsonNode c =
          ctx.client().get("/v1/collections/" + ServiceClient.segment(args.positional().get(0)));
      if (args.flag("json")) {
        ctx.out().println(ServiceClient.JSON.writeValueAsString(c));
      } else {
        details(c, ctx);
      }
      return Failure.OK;
    }
    JsonNode all = ctx.client().get("/v1/collections");
    if (args.flag("json")) {
      ctx.out().println(ServiceClient.JSON.writeValueAsString(all));
      return Failure.OK;
    }
    List<List<String>> rows = new ArrayList<>();
    rows.add(HEADER);
    for (JsonNode c : all.path("collections")) {
      rows.add(
          List.of(
              c.path("name").asString(),
              c.path("mode").asString(),
              c.path("status").asString(),
              c.path("documents").asString(),
              c.path("tableVersion").asString(),
              c.path("indexedVersion").asString(),
              String.valueOf(lag(c))));
    }
    int[] widths = new int[HEADER.size()];
    for (List<String> r : rows) {
      for (int i = 0; i < r.size(); i++) {
        widths[i] = Math.max(widths[i], r.get(i).length());
      }
    }
    for (List<String> r : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < r.size(); i++) {
        boolean number = i >= 3;
        String cell = r.get(i);
        String pad = " ".repeat(widths[i] - cell.length());
        line.append(i == 0 ? "" : "  ").append(number ? pad + cell : cell + pad);
      }
      ctx.out().println(line.toString().stripTrailing());
    }
    return Failure.OK;
  }

  private static long lag(JsonNode c) {
    return Math.max(0, c.path("tableVersion").asLong() - c.path("indexedVersion").asLong());
  }

  private static void details(JsonNode c, Context ctx) {
    List<String[]> lines = new ArrayList<>();
    for (String field :
        List.of("name", "mode", "table", "status", "error", "documents", "skippedRows")) {
      if (c.hasNonNull(field)) {
        lines.add(new String[] {field, c.path(field).asString()});
      }
    }
    lines.add(new String[] {"tableVersion", c.path("tableVersion").asString()});
    lines.add(new String[] {"indexedVersion", c.path("indexedVersion").asString()});
    lines.add(new String[] {"lag", lag(c) + " versions"});
    for (Map.Entry<String, JsonNode> v : c.path("vectors").properties()) {
      JsonNode d = v.getValue();
      StringBuilder b = new StringBuilder(v.getKey()).append(": ");
      b.append(d.path("dimensions").asString()).append(" dims, ");
      b.append(d.path("similarity").asString("cosine"));
      if (d.hasNonNull("column")) {
        b.append(", column ").append(d.path("column").asString());
      }
      if (d.hasNonNull("embed")) {
        b.append(", embed ").append(d.path("embed").asString());
      }
      if (d.hasNonNull("quantization")) {
        b.append(", quantization ").append(d.path("quantization").asString());
      }
      lines.add(new String[] {"vector", b.toString()});
    }
    if (c.path("filterable").isArray() && !c.path("filterable").isEmpty()) {
      List<String> f = new ArrayList<>();
      c.path("filterable").forEach(n -> f.add(n.asString()));
      lines.add(new String[] {"filterable", String.join(", ", f)});
    }
    if (c.hasNonNull("analyzer")) {
      lines.add(new String[] {"analyzer", c.path("analyzer").asString()});
    }
    JsonNode source = c.path("indexSource");
    if (source.isObject()) {
      String kind = source.path("kind").asString();
      lines.add(
          new String[] {
            "indexSource",
            kind.equals("snapshot")
                ? "snapshot of version "
                    + source.path("tableVersion").asString()
                    + " published by "
                    + source.path("publishedBy").asString()
                    + " at "
                    + source.path("publishedAt").asString()
                : kind
          });
    }
    int width = lines.stream().mapToInt(l -> l[0].length()).max().orElse(0) + 2;
    for (String[] l : lines) {
      ctx.out().println(String.format("%-" + width + "s%s", l[0] + ":", l[1]));
    }
  }
}
