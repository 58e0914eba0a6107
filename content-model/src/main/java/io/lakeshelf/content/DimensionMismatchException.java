package io.lakeshelf.content;

/** A vector whose length differs from its named vector's dimensions. */
public final class DimensionMismatchException extends ContentException {

  private final String vectorName;
  private final int expected;
  private final int actual;

  public DimensionMismatchException(String vectorName, int expected, int actual) {
    super(
        Reason.DIMENSION_MISMATCH,
        "vector '" + vectorName + "' needs " + expected + " dimensions, got " + actual);
    this.vectorName = vectorName;
    this.expected = expected;
    this.actual = actual;
  }

  public String vectorName() {
    return vectorName;
  }

  public int expected() {
    return expected;
  }

  public int actual() {
    return actual;
  }
}
