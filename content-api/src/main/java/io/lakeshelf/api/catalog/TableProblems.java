package io.lakeshelf.api.catalog;

/**
 * Tells a table whose Delta metadata has no usable schema from other read failures, so that the
 * answer names the problem rather than quoting a JSON parser.
 */
final class TableProblems {

  /** What a collection answers, or shows as its error, for a table without a usable schema. */
  static final String UNREADABLE_SCHEMA =
      "the table's Delta metadata has no readable schema: its schemaString is missing or is not a"
          + " Delta struct type in JSON";

  private TableProblems() {}

  /**
   * Whether Delta Kernel failed on the schema of the table's metadata: a missing {@code
   * schemaString}, or one its schema parser (or the JSON parser under it) refused.
   */
  static boolean isSchemaProblem(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t.getClass().getName().contains("jackson")) {
        return true;
      }
      String m = t.getMessage();
      if (m != null && (m.contains("schemaString") || m.contains("valid StructType"))) {
        return true;
      }
      for (StackTraceElement f : t.getStackTrace()) {
        if (f.getClassName().endsWith(".DataTypeJsonSerDe")) {
          return true;
        }
      }
    }
    return false;
  }

  /** The message a read failure shows: {@link #UNREADABLE_SCHEMA} for a schema problem. */
  static String describe(Throwable e) {
    if (isSchemaProblem(e)) {
      return UNREADABLE_SCHEMA;
    }
    return e.getMessage() == null ? e.toString() : e.getMessage();
  }
}
