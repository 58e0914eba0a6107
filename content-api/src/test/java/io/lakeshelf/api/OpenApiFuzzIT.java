package io.lakeshelf.api;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import io.lakeshelf.api.RunningService.Answer;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Isolated;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * A seeded fuzz of every operation the served OpenAPI description ({@code GET /v3/api-docs}) names:
 * paths with odd names and ids and encodings, malformed, unknown, huge and non-UTF-8 query strings,
 * wrong Content-Type and Accept headers, and the description's request examples mutated (wrong
 * types, nulls, huge numbers, deep nesting, truncated JSON, invalid UTF-8), sent byte for byte over
 * a socket. It checks that no answer is a 5xx, that every refusal is problem+json with a {@code
 * code}, that no refused write changed a table version or the set of collections, that scores are
 * JSON numbers, and that the service logged no error.
 *
 * <p>Bounded by {@code lakeshelf.fuzz.requests} (default 1500: about a hundred per operation, each
 * run with a new seed) and {@code lakeshelf.fuzz.seconds} (default 60). The seed is printed; replay
 * a failure with {@code -Dlakeshelf.fuzz.seed=<seed>}.
 *
 * <p>Isolated from the integration tests that run in parallel: it watches the JVM's whole log for
 * errors, and another class's service starting meanwhile would reset that log's appenders.
 */
@Isolated
class OpenApiFuzzIT {

  static final long SEED = Long.getLong("lakeshelf.fuzz.seed", System.nanoTime());
  static final int MAX_REQUESTS = Integer.getInteger("lakeshelf.fuzz.requests", 1500);
  static final long MAX_NANOS = Long.getLong("lakeshelf.fuzz.seconds", 60) * 1_000_000_000L;

  static final JsonMapper JSON = RunningService.JSON;
  static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  static final String DOTS =
      "{\"vectors\": {\"body\": {\"dimensions\": 3, \"similarity\": \"dot\"}}, "
          + "\"filterable\": [\"metadata.lang\"]}";
  static final Map<String, String> FIXTURES =
      Map.of(
          "articles",
          "{\"vectors\": {\"body\": {\"dimensions\": 3, \"similarity\": \"cosine\"}}, "
              + "\"filterable\": [\"metadata.lang\"]}",
          "dots",
          DOTS);

  @TempDir Path dataDir;

  record Operation(
      String method, String path, List<String> queryParams, JsonNode example, boolean write) {}

  record Request(String method, String target, String headers, byte[] body) {
    String describe() {
      String shown =
          body == null
              ? ""
              : new String(body, 0, Math.min(body.length, 300), StandardCharsets.ISO_8859_1);
      String t =
          target.length() > 300 ? target.substring(0, 300) + "…(" + target.length() + ")" : target;
      return method + " " + t + " [" + headers.replace("\r\n", "; ") + "] " + shown;
    }
  }

  /**
   * Errors the service logs while the fuzz runs (the in-process service shares this JVM's logback).
   */
  static final class Errors extends AppenderBase<ILoggingEvent> {
    final ConcurrentLinkedQueue<String> seen = new ConcurrentLinkedQueue<>();

    @Override
    protected void append(ILoggingEvent e) {
      if (e.getLevel().isGreaterOrEqual(Level.ERROR)) {
        seen.add(
            e.getLoggerName()
                + ": "
                + e.getFormattedMessage()
                + (e.getThrowableProxy() == null
                    ? ""
                    : " (" + e.getThrowableProxy().getClassName() + ")"));
      }
    }
  }

  RunningService service;
  Random random;
  final List<String> jobIds = new ArrayList<>();

  @Test
  void everyAnswerToMutatedRequestsIsAProblemOrASuccessAndRefusalsWriteNothing() throws Exception {
    System.out.println(
        "OpenApiFuzzIT seed: " + SEED + " (replay with -Dlakeshelf.fuzz.seed=" + SEED + ")");
    random = new Random(SEED);
    service =
        RunningService.start(
            dataDir,
            "--lakeshelf.limits.max-request-size=256KB",
            "--lakeshelf.limits.max-documents=20",
            "--lakeshelf.index.reindex-rows-per-second=2000");
    Errors errors = new Errors();
    ch.qos.logback.classic.Logger root =
        (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    errors.setContext(root.getLoggerContext());
    errors.start();
    root.addAppender(errors);
    try (RunningService running = service) {
      for (String name : FIXTURES.keySet()) {
        restore(name);
      }
      List<Operation> operations = operations(service.get("/v3/api-docs").json());
      assertThat(operations).hasSizeGreaterThanOrEqualTo(13);

      List<String> failures = new ArrayList<>();
      Map<String, Integer> statuses = new TreeMap<>();
      long start = System.nanoTime();
      int sent = 0;
      int refusedWrites = 0;
      while (sent < MAX_REQUESTS && System.nanoTime() - start < MAX_NANOS && failures.size() < 20) {
        Operation op = operations.get(random.nextInt(operations.size()));
        Request r = mutate(op);
        boolean writeish = !r.method().equals("GET") && !r.method().equals("HEAD");
        Map<String, Long> before = writeish ? versions() : null;
        Answer a = RawHttp.send(service.port, bytes(r));
        sent++;
        statuses.merge(op.method() + " " + op.path() + " " + a.status(), 1, Integer::sum);
        String problem = check(r, a);
        if (problem != null) {
          failures.add(
              problem
                  + "\n    request: "
                  + r.describe()
                  + "\n    answer: "
                  + a.status()
                  + " "
                  + a.contentType()
                  + " "
                  + abbreviate(a.body()));
        }
        if (writeish && a.status() >= 400 && a.status() < 500) {
          refusedWrites++;
          Map<String, Long> after = versions();
          if (!after.equals(before)) {
            failures.add(
                "a refused request changed the collections or their table versions: "
                    + before
                    + " -> "
                    + after
                    + "\n    request: "
                    + r.describe()
                    + "\n    answer: "
                    + a.status()
                    + " "
                    + abbreviate(a.body()));
          }
        }
        if (a.status() == 202 && a.json().has("id")) {
          jobIds.add(a.json().get("id").asString());
        }
        if (writeish && a.status() < 300 && (op.path().equals("/v1/collections/{name}"))) {
          for (String name : FIXTURES.keySet()) {
            restore(name);
          }
        }
      }
      long seconds = (System.nanoTime() - start) / 1_000_000_000L;
      System.out.println(
          "OpenApiFuzzIT: "
              + sent
              + " requests in "
              + seconds
              + " s ("
              + refusedWrites
              + " refused writes checked), seed "
              + SEED);
      statuses.forEach((k, v) -> System.out.println("  " + k + ": " + v));
      assertThat(failures)
          .as("seed " + SEED + ": replay with -Dlakeshelf.fuzz.seed=" + SEED)
          .isEmpty();
      assertThat(sent).isGreaterThanOrEqualTo(500);
      assertThat(new ArrayList<>(errors.seen))
          .as("errors the service logged (seed " + SEED + ")")
          .isEmpty();
    } finally {
      root.detachAppender(errors);
    }
  }

  /** What is wrong with an answer, or null. */
  static String check(Request r, Answer a) {
    if (a.status() < 0) {
      return "no answer";
    }
    if (a.status() >= 500) {
      return "a 5xx answer";
    }
    boolean success = a.status() < 300 || a.status() == 304;
    if (success) {
      if (a.contentType().startsWith("application/json")
          && !r.method().equals("HEAD")
          && !a.body().isEmpty()) {
        JsonNode json;
        try {
          json = JSON.readTree(a.body());
        } catch (RuntimeException e) {
          return "a success whose JSON does not parse";
        }
        for (JsonNode score : json.findValues("score")) {
          if (!score.isNumber()) {
            return "a score that is not a JSON number";
          }
        }
      }
      return null;
    }
    if (!a.contentType().startsWith("application/problem+json")) {
      return "a refusal that is not application/problem+json";
    }
    if (r.method().equals("HEAD")) {
      return null;
    }
    try {
      JsonNode json = JSON.readTree(a.body());
      if (!json.path("code").isString() || json.path("code").asString().isBlank()) {
        return "a problem without a code";
      }
      if (json.path("status").asInt() != a.status()) {
        return "a problem whose status differs from the answer's";
      }
      if (a.body().contains("\tat ") || a.body().contains("Exception")) {
        return "a problem that shows internals";
      }
    } catch (RuntimeException e) {
      return "a problem whose body is not JSON";
    }
    return null;
  }

  static String abbreviate(String s) {
    return s.length() > 400 ? s.substring(0, 400) + "…" : s;
  }

  /** Each collection's table version (the set of names shows creations and deletions). */
  Map<String, Long> versions() throws Exception {
    Answer a = service.get("/v1/collections");
    Map<String, Long> out = new TreeMap<>();
    for (JsonNode c : a.json().get("collections")) {
      out.put(c.get("name").asString(), c.get("tableVersion").asLong());
    }
    return out;
  }

  /**
   * Puts a fixture collection back as it was (three documents) after a request changed or deleted
   * it.
   */
  void restore(String name) throws Exception {
    Answer current = service.get("/v1/collections/" + name);
    if (current.status() == 200) {
      JsonNode want = JSON.readTree(FIXTURES.get(name));
      JsonNode body = current.json().path("vectors").path("body");
      boolean same =
          body.path("dimensions").asInt() == 3
              && current.json().path("vectors").size() == 1
              && current.json().path("mode").asString().equals("managed")
              && current.json().path("documents").asLong() >= 1
              && body.path("similarity")
                  .asString()
                  .equals(want.get("vectors").get("body").get("similarity").asString());
      if (same) {
        return;
      }
      for (String id : jobIds) {
        service.send("DELETE", "/v1/admin/jobs/" + id, null, null);
      }
      assertThat(
              service
                  .send("DELETE", "/v1/collections/" + name + "?purge=true", null, null)
                  .status())
          .isEqualTo(204);
    }
    assertThat(service.send("PUT", "/v1/collections/" + name, FIXTURES.get(name)).status())
        .isEqualTo(201);
    Answer ingest =
        service.send(
            "POST",
            "/v1/collections/" + name + "/documents",
            """
            {"documents": [
              {"id": "doc-1", "title": "Lakes", "text": "Lakes hold water.", "vectors": {"body": [0.9, 0.1, 0.0]},
               "metadata": {"lang": "en"},
               "images": [{"uri": "s3://bucket/img/1.png", "contentType": "image/png", "sizeBytes": 48213,
                           "checksum": "9f86d0", "checksumAlgorithm": "SHA-256"}]},
              {"id": "doc-2", "title": "Shelves", "text": "Shelves hold books.", "vectors": {"body": [0.1, 0.9, 0.0]}},
              {"id": "a/b", "title": "Rivers", "text": "Rivers feed lakes.", "vectors": {"body": [0.7, 0.0, 0.3]}}]}\
            """);
    assertThat(ingest.status()).as(ingest.body()).isEqualTo(200);
  }

  /** The operations of the served description, with their query parameters and request examples. */
  static List<Operation> operations(JsonNode api) {
    List<Operation> out = new ArrayList<>();
    api.get("paths")
        .properties()
        .forEach(
            path ->
                path.getValue()
                    .properties()
                    .forEach(
                        op -> {
                          List<String> query = new ArrayList<>();
                          for (JsonNode p : op.getValue().path("parameters")) {
                            if (p.path("in").asString().equals("query")) {
                              query.add(p.get("name").asString());
                            }
                          }
                          JsonNode example =
                              op.getValue()
                                  .path("requestBody")
                                  .path("content")
                                  .path("application/json")
                                  .get("example");
                          String method = op.getKey().toUpperCase(java.util.Locale.ROOT);
                          out.add(
                              new Operation(
                                  method, path.getKey(), query, example, !method.equals("GET")));
                        }));
    return out;
  }

  // ---- mutation ----

  static final String[] ODD_SEGMENTS = {
    "nope",
    "",
    "A",
    "x".repeat(63),
    "x".repeat(300),
    "%00",
    "%ff",
    "%C3",
    "%zz",
    "%",
    "%2",
    "%2e",
    "%2E%2E",
    "..",
    ".",
    "%2F",
    "a%2Fb",
    "a%5Cb",
    "ar%74icles",
    "articles;x=1",
    ";",
    "%3B",
    "%C3%BC",
    "\u00ff",
    "\u00c3\u00bc",
    "%20",
    "a b",
    "%0A",
    "%7F",
    "%EF%BF%BF",
    "%ED%A0%80",
    "%C0%AF",
    "%F4%90%80%80",
    "-1",
    "0",
    "99999999999999999999",
    "1.5",
    "1e999",
    "NaN",
    "true",
    "null",
    "%2525",
    "a%2F..%2F..%2Fb",
    "*",
    "~",
    "@",
    "(x)",
    "%E2%80%AE",
    "[x]",
    "a:b",
    "%5B%5D",
    "'",
    "$",
    "!",
    "a&b",
    "a=b",
    "%3F",
    "%23",
    "+",
    "%2B",
    "x%00y",
    "\u00e9",
    "%E9"
  };

  /** Whether the request being made is a near-valid one (valid path, parameters and headers). */
  boolean clean;

  String pathValue(String param) {
    int dice = clean ? 0 : random.nextInt(10);
    if (dice < 5) {
      return switch (param) {
        case "name" -> random.nextInt(4) == 0 ? "dots" : "articles";
        case "id" -> random.nextInt(4) == 0 ? "a%2Fb" : (random.nextBoolean() ? "doc-1" : "doc-2");
        case "n" -> random.nextBoolean() ? "0" : "1";
        default ->
            jobIds.isEmpty() || random.nextBoolean()
                ? java.util.UUID.randomUUID().toString()
                : jobIds.get(random.nextInt(jobIds.size()));
      };
    }
    if (dice < 6) {
      // A long segment: near and over the request-line limit.
      return "y".repeat(random.nextBoolean() ? 4000 : 9000);
    }
    return ODD_SEGMENTS[random.nextInt(ODD_SEGMENTS.length)];
  }

  static final String[] VALUES = {
    "true",
    "false",
    "vectors",
    "",
    "maybe",
    "1",
    "0",
    "TRUE",
    "%ff",
    "%zz",
    "%",
    "x%00y",
    "%C3%BC",
    "\u00ff",
    "a+b",
    "%2B",
    "vectors,text",
    "null"
  };

  String queryString(Operation op) {
    List<String> parts = new ArrayList<>();
    int dice = clean ? 0 : random.nextInt(10);
    if (dice < 4) {
      for (String p : op.queryParams()) {
        if (random.nextBoolean()) {
          parts.add(
              p
                  + "="
                  + VALUES[random.nextInt(!clean && random.nextInt(4) == 0 ? VALUES.length : 3)]);
        }
      }
    } else if (dice < 8) {
      int n = 1 + random.nextInt(3);
      for (int i = 0; i < n; i++) {
        String[] odd = {
          "=",
          "%%%",
          "include=%ff",
          "a=%zz",
          "%ff=1",
          "&",
          "&&",
          "a",
          "a=1&a=2",
          "refresh=true&refresh=false",
          "unknown=1",
          "=x",
          "x==y",
          "%00",
          "purge=%C3",
          "reindex=%",
          "q=\u00ff\u00fe",
          "q=" + "z".repeat(random.nextInt(3) == 0 ? 9000 : 500),
          "include=vectors&include=%ff",
          "%2525=%2525",
          "a%3Db=c",
          "?",
          "#frag"
        };
        parts.add(odd[random.nextInt(odd.length)]);
      }
    } else if (dice < 9) {
      if (!op.queryParams().isEmpty()) {
        parts.add(
            op.queryParams().get(random.nextInt(op.queryParams().size()))
                + "="
                + VALUES[random.nextInt(VALUES.length)]);
      }
    }
    if (parts.isEmpty()) {
      return "";
    }
    return "?" + String.join("&", parts);
  }

  static final String[] CONTENT_TYPES = {
    "text/plain",
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=x",
    "application/json; charset=ISO-8859-1",
    "application/json; charset=nope",
    "\u00ff/\u00ff",
    "application/problem+json",
    "application/*",
    "*/*",
    "application/xml",
    "application/json;;",
    "json",
    "application/json; boundary=\""
  };
  static final String[] ACCEPTS = {
    "text/html",
    "application/xml",
    "*/*",
    "a/b/c",
    "application/problem+json",
    "text/*",
    "application/json;q=0",
    "image/png",
    "\u00ff",
    "application/json, text/html;q=0.1"
  };

  String headers(boolean withBody) {
    StringBuilder h = new StringBuilder();
    if (clean) {
      return withBody ? "Content-Type: application/json\r\n" : "";
    }
    if (withBody) {
      if (random.nextInt(4) != 0) {
        h.append("Content-Type: application/json\r\n");
      } else if (random.nextInt(5) != 0) {
        h.append("Content-Type: ")
            .append(CONTENT_TYPES[random.nextInt(CONTENT_TYPES.length)])
            .append("\r\n");
      }
    } else if (random.nextInt(8) == 0) {
      h.append("Content-Type: ")
          .append(CONTENT_TYPES[random.nextInt(CONTENT_TYPES.length)])
          .append("\r\n");
    }
    if (random.nextInt(3) == 0) {
      h.append("Accept: ").append(ACCEPTS[random.nextInt(ACCEPTS.length)]).append("\r\n");
    }
    switch (random.nextInt(14)) {
      case 0 -> h.append("If-None-Match: \"9f86d0\"\r\n");
      case 1 -> h.append("Authorization: Bearer nonsense\r\n");
      case 2 -> h.append("Content-Encoding: gzip\r\n");
      case 3 -> h.append("Accept-Charset: nope\r\n");
      case 4 ->
          h.append("X-Big: ")
              .append("h".repeat(random.nextBoolean() ? 6000 : 10_000))
              .append("\r\n");
      case 5 -> h.append("Expect: 100-continue\r\n");
      case 6 -> h.append("Range: bytes=5-1\r\n");
      case 7 -> h.append("Accept: application/json\r\nAccept: text/html\r\n");
      case 8 -> h.append("X-Bytes: \u00ff\u00fe\r\n");
      default -> {}
    }
    return h.toString();
  }

  Request mutate(Operation op) {
    // A third of the requests are near-valid (at most one change to the example body), so that
    // writes and searches succeed and the fuzz reaches past validation.
    clean = random.nextInt(3) == 0;
    String method = op.method();
    int m = clean ? 1 : random.nextInt(40);
    if (m == 0) {
      String[] methods = {
        "PATCH",
        "TRACE",
        "OPTIONS",
        "HEAD",
        "FOO",
        "PROPFIND",
        "CONNECT",
        "get",
        "DELETE",
        "PUT",
        "POST"
      };
      method = methods[random.nextInt(methods.length)];
    }
    StringBuilder target = new StringBuilder();
    for (String segment : op.path().split("/", -1)) {
      if (target.length() > 0 || !segment.isEmpty()) {
        target.append('/');
      }
      if (segment.startsWith("{") && segment.endsWith("}")) {
        target.append(pathValue(segment.substring(1, segment.length() - 1)));
      } else {
        target.append(
            !clean && random.nextInt(60) == 0
                ? segment.toUpperCase(java.util.Locale.ROOT)
                : segment);
      }
    }
    if (!clean && random.nextInt(40) == 0) {
      target.append(random.nextBoolean() ? "/" : "/extra");
    }
    target.append(queryString(op));
    byte[] body = null;
    if (op.example() != null) {
      body = body(op.example());
    } else if (random.nextInt(10) == 0) {
      body =
          random.nextBoolean()
              ? "{}".getBytes(StandardCharsets.UTF_8)
              : "garbage".getBytes(StandardCharsets.UTF_8);
    }
    if (body != null && !clean && random.nextInt(12) == 0) {
      // A form body, well formed or not, where JSON belongs (or where no body belongs).
      String[] forms = {
        "refresh=false&documents=x",
        "%%%=%ff",
        "a=%zz",
        "=",
        "purge=true",
        "include=vectors&include=%ff"
      };
      String form = forms[random.nextInt(forms.length)];
      return new Request(
          method,
          target.toString(),
          "Content-Type: application/x-www-form-urlencoded\r\n",
          form.getBytes(StandardCharsets.ISO_8859_1));
    }
    if (method.equals("CONNECT")) {
      return new Request(method, "localhost:443", "", null);
    }
    return new Request(method, target.toString(), headers(body != null), body);
  }

  byte[] body(JsonNode example) {
    JsonNode tree = example.deepCopy();
    int rounds = clean ? random.nextInt(2) : random.nextInt(4);
    for (int i = 0; i < rounds; i++) {
      tree = mutateTree(tree);
    }
    byte[] json = JSON.writeValueAsBytes(tree);
    return switch (clean ? 99 : random.nextInt(16)) {
      case 0 -> java.util.Arrays.copyOf(json, random.nextInt(json.length)); // truncated
      case 1 -> withInvalidUtf8(json);
      case 2 -> new byte[0];
      case 3 -> "null".getBytes(StandardCharsets.UTF_8);
      case 4 -> deepNesting(random.nextBoolean() ? 50 : 5000);
      case 5 -> randomBytes();
      case 6 ->
          (new String(json, StandardCharsets.UTF_8) + " trailing").getBytes(StandardCharsets.UTF_8);
      case 7 -> huge(json);
      default -> json;
    };
  }

  byte[] withInvalidUtf8(byte[] json) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int at = random.nextInt(json.length + 1);
    out.write(json, 0, at);
    byte[][] bad = {
      {(byte) 0xff},
      {(byte) 0xc3},
      {(byte) 0xed, (byte) 0xa0, (byte) 0x80},
      {(byte) 0xc0, (byte) 0xaf},
      {0}
    };
    out.writeBytes(bad[random.nextInt(bad.length)]);
    out.write(json, at, json.length - at);
    return out.toByteArray();
  }

  byte[] deepNesting(int depth) {
    String open = random.nextBoolean() ? "[" : "{\"filter\":";
    String close = open.equals("[") ? "]" : "}";
    return (open.repeat(depth) + "1" + close.repeat(depth)).getBytes(StandardCharsets.UTF_8);
  }

  byte[] randomBytes() {
    byte[] b = new byte[random.nextInt(200)];
    random.nextBytes(b);
    return b;
  }

  byte[] huge(byte[] json) {
    // Over the 256 KB request limit, or just under it.
    int size = random.nextBoolean() ? 300_000 : 200_000;
    String s = new String(json, StandardCharsets.UTF_8);
    String padded =
        s.startsWith("{")
            ? "{\"pad\": \"" + "p".repeat(size) + "\", " + s.substring(1)
            : s + " ".repeat(size);
    return padded.getBytes(StandardCharsets.UTF_8);
  }

  JsonNode mutateTree(JsonNode root) {
    List<JsonNode> containers = new ArrayList<>();
    collect(root, containers);
    if (containers.isEmpty()) {
      return replacement();
    }
    JsonNode c = containers.get(random.nextInt(containers.size()));
    if (c instanceof ObjectNode o) {
      List<String> names = new ArrayList<>(o.propertyNames());
      int what = random.nextInt(4);
      if (what == 0 || names.isEmpty()) {
        o.set(
            random.nextInt(3) == 0
                ? "unknownField"
                : pick(
                    new String[] {
                      "filter",
                      "k",
                      "vector",
                      "using",
                      "mode",
                      "text",
                      "asOfVersion",
                      "include",
                      "table",
                      "mode",
                      "columns",
                      "filterable",
                      "quantization",
                      "embed",
                      "analyzer",
                      "ids",
                      "id",
                      "metadata",
                      "dimensions",
                      "similarity"
                    }),
            replacement());
      } else if (what == 1) {
        o.remove(names.get(random.nextInt(names.size())));
      } else {
        o.set(names.get(random.nextInt(names.size())), replacement());
      }
    } else if (c instanceof ArrayNode a) {
      int what = random.nextInt(3);
      if (what == 0 || a.isEmpty()) {
        a.add(replacement());
      } else if (what == 1) {
        a.remove(random.nextInt(a.size()));
      } else {
        a.set(random.nextInt(a.size()), replacement());
      }
    }
    return root;
  }

  static void collect(JsonNode node, List<JsonNode> out) {
    if (node.isContainer()) {
      out.add(node);
      for (JsonNode child : node) {
        collect(child, out);
      }
    }
  }

  String pick(String[] values) {
    return values[random.nextInt(values.length)];
  }

  JsonNode replacement() {
    return switch (random.nextInt(26)) {
      case 0 -> NODES.nullNode();
      case 1 -> NODES.stringNode("str");
      case 2 -> NODES.numberNode(new java.math.BigDecimal("1e999"));
      case 3 -> NODES.numberNode(new java.math.BigDecimal("-1e999"));
      case 4 -> NODES.numberNode(new java.math.BigInteger("9".repeat(40)));
      case 5 -> NODES.numberNode(1.5);
      case 6 -> NODES.booleanNode(true);
      case 7 -> NODES.arrayNode();
      case 8 -> NODES.objectNode();
      case 9 -> NODES.numberNode(-1);
      case 10 -> NODES.numberNode(0);
      case 11 -> NODES.numberNode(Long.MAX_VALUE);
      case 12 -> NODES.stringNode("s".repeat(random.nextBoolean() ? 2000 : 100_000));
      case 13 -> NODES.stringNode("a\u0000b\ud800");
      case 14 -> NODES.numberNode(3e38);
      case 15 -> NODES.numberNode(new java.math.BigDecimal("1e-999"));
      case 16 -> {
        ArrayNode v = NODES.arrayNode();
        int n = random.nextInt(3) == 0 ? random.nextInt(5000) : 3;
        for (int i = 0; i < n; i++) {
          v.add(
              random.nextInt(5) == 0
                  ? 3.4e38 * (random.nextBoolean() ? 1 : -1)
                  : random.nextGaussian());
        }
        yield v;
      }
      case 17 -> {
        ObjectNode f = NODES.objectNode();
        f.put("field", random.nextBoolean() ? "metadata.lang" : "lang");
        f.set(
            pick(new String[] {"eq", "ne", "gt", "gte", "lt", "lte", "in", "exists", "like"}),
            replacementScalar());
        yield f;
      }
      case 18 -> {
        ObjectNode f = NODES.objectNode();
        ArrayNode parts = f.putArray(pick(new String[] {"and", "or"}));
        parts.add(NODES.objectNode().put("field", "metadata.lang").put("eq", "en"));
        parts.add(replacement());
        yield f;
      }
      case 19 ->
          NODES.stringNode(
              pick(
                  new String[] {
                    "vector",
                    "keyword",
                    "hybrid",
                    "external",
                    "managed",
                    "dot",
                    "l2",
                    "cosine",
                    "int8",
                    "bbq",
                    "english",
                    "all-minilm-l6-v2",
                    "vectors",
                    "/tmp",
                    "file:///nope",
                    "s3://b/k",
                    "..",
                    ""
                  }));
      case 20 -> {
        ObjectNode doc = NODES.objectNode();
        doc.put("id", pick(new String[] {"doc-1", "x", "", " ", "a/b"}));
        doc.set("vectors", NODES.objectNode().set("body", replacement()));
        yield NODES.arrayNode().add(doc);
      }
      case 21 -> NODES.numberNode(random.nextInt(2000) - 500);
      case 22 -> NODES.numberNode(Integer.MAX_VALUE + 1L);
      case 23 -> NODES.stringNode("\u202e\ufeff\uffff");
      default -> {
        ObjectNode o = NODES.objectNode();
        o.set("dimensions", NODES.numberNode(random.nextInt(5000)));
        o.set("similarity", NODES.stringNode(pick(new String[] {"dot", "l2", "cosine", "x"})));
        yield NODES.objectNode().set("body", o);
      }
    };
  }

  JsonNode replacementScalar() {
    JsonNode r = replacement();
    return r;
  }

  static byte[] bytes(Request r) {
    return RawHttp.request(r.method(), r.target(), r.headers(), r.body());
  }
}
