package io.lakeshelf.index.embed;

/**
 * One bundled model for the tests of a JVM that only embed, loaded on first use (about a second)
 * and never closed. Tests of loading and closing load their own.
 */
public final class SharedModel {

  private static MiniLmEmbedder model;

  private SharedModel() {}

  public static synchronized MiniLmEmbedder get() {
    if (model == null) {
      model = MiniLmEmbedder.load();
    }
    return model;
  }

  static double dot(float[] a, float[] b) {
    double sum = 0;
    for (int i = 0; i < a.length; i++) {
      sum += (double) a[i] * b[i];
    }
    return sum;
  }
}
