package io.lakeshelf.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A command's arguments: options ({@code --name value} or {@code --name=value}), flags ({@code
 * --name}) and the rest in order. {@code --} ends the options. An option the command does not know
 * is a usage error.
 */
final class Arguments {

  private final List<String> positional = new ArrayList<>();
  private final Map<String, String> values = new LinkedHashMap<>();
  private final Set<String> flags = new LinkedHashSet<>();

  private Arguments() {}

  /**
   * @param valued the options that take a value
   * @param flagNames the options that take none
   */
  static Arguments parse(List<String> args, Set<String> valued, Set<String> flagNames)
      throws Failure {
    Arguments a = new Arguments();
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      if (arg.equals("--")) {
        a.positional.addAll(args.subList(i + 1, args.size()));
        break;
      }
      if (arg.equals("-h")) {
        arg = "--help";
      }
      if (!arg.startsWith("--") || arg.length() == 2) {
        a.positional.add(arg);
        continue;
      }
      int eq = arg.indexOf('=');
      String name = eq < 0 ? arg.substring(2) : arg.substring(2, eq);
      if (valued.contains(name)) {
        String value;
        if (eq >= 0) {
          value = arg.substring(eq + 1);
        } else if (i + 1 < args.size()) {
          value = args.get(++i);
        } else {
          throw Failure.usage("option --" + name + " needs a value");
        }
        a.values.put(name, value);
      } else if (flagNames.contains(name)) {
        if (eq >= 0) {
          throw Failure.usage("option --" + name + " takes no value");
        }
        a.flags.add(name);
      } else {
        throw Failure.usage("unknown option --" + name);
      }
    }
    return a;
  }

  List<String> positional() {
    return positional;
  }

  boolean flag(String name) {
    return flags.contains(name);
  }

  String value(String name) {
    return values.get(name);
  }

  String value(String name, String fallback) {
    return values.getOrDefault(name, fallback);
  }

  String required(String name) throws Failure {
    String v = values.get(name);
    if (v == null || v.isEmpty()) {
      throw Failure.usage("option --" + name + " is required");
    }
    return v;
  }

  /** An integer option within [min, max]. */
  long number(String name, long fallback, long min, long max) throws Failure {
    String v = values.get(name);
    if (v == null) {
      return fallback;
    }
    try {
      long n = Long.parseLong(v.trim());
      if (n < min || n > max) {
        throw Failure.usage("option --" + name + " must be " + min + " to " + max + ", not " + v);
      }
      return n;
    } catch (NumberFormatException e) {
      throw Failure.usage("option --" + name + " must be a whole number, not '" + v + "'");
    }
  }
}
