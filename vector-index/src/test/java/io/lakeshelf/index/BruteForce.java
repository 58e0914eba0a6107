package io.lakeshelf.index;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Exact nearest neighbours by cosine, computed in plain Java (doubles) over the vectors a test
 * wrote: the ground truth searches are checked against.
 */
final class BruteForce {

  /**
   * Two similarities closer than this are a tie: float scoring in Lucene may order them either way.
   */
  static final double TIE = 1e-5;

  record Scored(String id, double score) {}

  /** Every allowed row's cosine to {@code query}, best first (ties by id). */
  static List<Scored> ranked(
      Map<String, float[]> vectors, Predicate<String> allowed, float[] query) {
    List<Scored> scored = new ArrayList<>();
    for (Map.Entry<String, float[]> e : vectors.entrySet()) {
      if (e.getValue() != null && allowed.test(e.getKey())) {
        scored.add(new Scored(e.getKey(), cosine(query, e.getValue())));
      }
    }
    scored.sort(Comparator.comparingDouble(Scored::score).reversed().thenComparing(Scored::id));
    return scored;
  }

  static List<String> topIds(List<Scored> ranked, int k) {
    return ranked.stream().limit(k).map(Scored::id).toList();
  }

  static double cosine(float[] a, float[] b) {
    double dot = 0, na = 0, nb = 0;
    for (int i = 0; i < a.length; i++) {
      dot += (double) a[i] * b[i];
      na += (double) a[i] * a[i];
      nb += (double) b[i] * b[i];
    }
    return dot / Math.sqrt(na * nb);
  }

  /**
   * Asserts that {@code hits} are the exact top {@code k} of {@code ranked}, in order, with their
   * similarities: the same ids, except that rows tied within {@link #TIE} may swap.
   */
  static void assertExactTop(List<SearchHit> hits, List<Scored> ranked, int k, String what) {
    List<Scored> truth = ranked.subList(0, Math.min(k, ranked.size()));
    List<String> ids = hits.stream().map(SearchHit::id).toList();
    assertThat(ids).as(what + ": hit count").hasSize(truth.size());
    assertThat(ids).as(what + ": distinct").doesNotHaveDuplicates();
    Map<String, Double> score = new HashMap<>();
    ranked.forEach(s -> score.put(s.id(), s.score()));
    if (!ids.equals(topIds(truth, k))) {
      for (int i = 0; i < ids.size(); i++) {
        Double got = score.get(ids.get(i));
        assertThat(got)
            .as(
                what
                    + ": hit "
                    + i
                    + " "
                    + ids.get(i)
                    + " is an allowed row; want "
                    + topIds(truth, k)
                    + ", got "
                    + ids)
            .isNotNull();
        assertThat(Math.abs(got - truth.get(i).score()))
            .as(
                what
                    + ": hit "
                    + i
                    + " "
                    + ids.get(i)
                    + " scores as the exact top "
                    + i
                    + " (up to ties); want "
                    + topIds(truth, k)
                    + ", got "
                    + ids)
            .isLessThanOrEqualTo(TIE);
      }
    }
    for (SearchHit h : hits) {
      assertThat((double) h.score())
          .as(what + ": score of " + h.id())
          .isCloseTo(score.get(h.id()), org.assertj.core.data.Offset.offset(1e-4));
    }
  }

  /** How many of the exact top {@code k} the hits hold. */
  static int found(List<SearchHit> hits, List<Scored> ranked, int k) {
    List<String> truth = topIds(ranked, k);
    return (int) hits.stream().map(SearchHit::id).filter(truth::contains).count();
  }
}
