package io.lakeshelf.index.filter;

import java.util.List;
import java.util.Objects;

/**
 * A metadata filter as the search API states it. Values are JSON scalars (strings, numbers,
 * booleans); they are checked against the field's type when the filter is {@link FilterCompiler
 * compiled}.
 *
 * <p>Semantics: a comparison ({@code eq}, {@code ne}, ranges, {@code in}) matches only rows that
 * have the field: {@code ne "x"} does not match rows without the field. {@code not} is the
 * complement among all rows, so {@code not eq "x"} does. Ranges apply to numbers, dates, timestamps
 * and (lexicographically, by UTF-8 bytes) strings.
 */
public sealed interface Filter {

  /** How deeply the filter nests: 1 for a single condition. */
  int depth();

  /** Comparison operators. */
  enum Op {
    EQ,
    NE,
    GT,
    GTE,
    LT,
    LTE
  }

  record Compare(String field, Op op, Object value) implements Filter {
    public Compare {
      Objects.requireNonNull(field, "field");
      Objects.requireNonNull(op, "op");
    }

    @Override
    public int depth() {
      return 1;
    }
  }

  record In(String field, List<Object> values) implements Filter {
    public In {
      Objects.requireNonNull(field, "field");
      values = List.copyOf(values);
    }

    @Override
    public int depth() {
      return 1;
    }
  }

  /** {@code exists: true} matches rows that have the field; {@code false} those that do not. */
  record Exists(String field, boolean exists) implements Filter {
    public Exists {
      Objects.requireNonNull(field, "field");
    }

    @Override
    public int depth() {
      return 1;
    }
  }

  record And(List<Filter> all) implements Filter {
    public And {
      all = List.copyOf(all);
    }

    @Override
    public int depth() {
      return 1 + all.stream().mapToInt(Filter::depth).max().orElse(0);
    }
  }

  record Or(List<Filter> any) implements Filter {
    public Or {
      any = List.copyOf(any);
    }

    @Override
    public int depth() {
      return 1 + any.stream().mapToInt(Filter::depth).max().orElse(0);
    }
  }

  record Not(Filter filter) implements Filter {
    public Not {
      Objects.requireNonNull(filter, "filter");
    }

    @Override
    public int depth() {
      return 1 + filter.depth();
    }
  }
}
