package io.lakeshelf.bench;

import java.util.SplittableRandom;

/**
 * Embedding-like vectors, deterministic for a seed: a mixture of random cluster centres (unit
 * vectors, nearly orthogonal to one another in high dimensions) plus isotropic Gaussian noise.
 * Points of one cluster are each other's neighbours, as sentences on one topic are in a sentence
 * embedding space; points of different clusters are about orthogonal.
 *
 * <p>With a noise of norm {@code noise} (per dimension {@code noise / sqrt(d)}), a point's cosine
 * to its own centre is about {@code 1 / sqrt(1 + noise²)} and to another point of its cluster about
 * {@code 1 / (1 + noise²)}. Every vector is a function of (seed, stream, index) only.
 */
final class SyntheticEmbeddings {

  static final long DOCUMENTS = 1;
  static final long QUERIES = 2;
  static final long WARMUP = 3;
  static final long RECALL = 4;

  private final int dimensions;
  private final double noisePerDimension;
  private final long seed;
  private final float[][] centres;

  SyntheticEmbeddings(int dimensions, int clusters, double noise, long seed) {
    this.dimensions = dimensions;
    this.noisePerDimension = noise / Math.sqrt(dimensions);
    this.seed = seed;
    this.centres = new float[clusters][];
    SplittableRandom r = new SplittableRandom(seed);
    for (int c = 0; c < clusters; c++) {
      float[] v = new float[dimensions];
      double norm = 0;
      for (int j = 0; j < dimensions; j++) {
        v[j] = (float) r.nextGaussian();
        norm += (double) v[j] * v[j];
      }
      float inv = (float) (1 / Math.sqrt(norm));
      for (int j = 0; j < dimensions; j++) {
        v[j] *= inv;
      }
      centres[c] = v;
    }
  }

  int clusters() {
    return centres.length;
  }

  /** The cluster of vector {@code index} of {@code stream}. */
  int cluster(long stream, long index) {
    return random(stream, index).nextInt(centres.length);
  }

  /** Vector {@code index} of {@code stream} (not normalized: the service normalizes for cosine). */
  float[] vector(long stream, long index) {
    SplittableRandom r = random(stream, index);
    float[] centre = centres[r.nextInt(centres.length)];
    float[] v = new float[dimensions];
    for (int j = 0; j < dimensions; j++) {
      v[j] = (float) (centre[j] + noisePerDimension * r.nextGaussian());
    }
    return v;
  }

  private SplittableRandom random(long stream, long index) {
    return new SplittableRandom(mix(mix(seed ^ (stream * 0x9E3779B97F4A7C15L)) + index));
  }

  private static long mix(long z) { // SplitMix64's finalizer
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
