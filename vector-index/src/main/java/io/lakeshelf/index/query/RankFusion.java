package io.lakeshelf.index.query;

import io.lakeshelf.content.RowLocator;
import io.lakeshelf.index.IndexQuery;
import io.lakeshelf.index.SearchHit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reciprocal rank fusion of a vector and a keyword list, for hybrid search: each row scores {@code
 * Σ 1/(RRF_K + rank)} over the lists that hold it (ranks from 1, {@link IndexQuery#RRF_K}).
 */
public final class RankFusion {

  private RankFusion() {}

  /**
   * The {@code k} best rows of both lists, scoring at least {@code minScore}. Equal scores mean the
   * lists disagree (one row first in one, another first in the other): the keyword list's order
   * decides, as exact terms are the more specific evidence, then the smaller id, so the order is
   * deterministic.
   */
  public static List<SearchHit> fuse(
      List<SearchHit> vector, List<SearchHit> keyword, int k, float minScore) {
    Map<RowLocator, Float> scores = new HashMap<>();
    Map<RowLocator, SearchHit> hits = new HashMap<>();
    Map<RowLocator, Integer> keywordRank = new HashMap<>();
    for (int rank = 1; rank <= keyword.size(); rank++) {
      keywordRank.putIfAbsent(keyword.get(rank - 1).locator(), rank);
    }
    for (List<SearchHit> list : List.of(vector, keyword)) {
      for (int rank = 1; rank <= list.size(); rank++) {
        SearchHit h = list.get(rank - 1);
        scores.merge(h.locator(), 1f / (IndexQuery.RRF_K + rank), Float::sum);
        hits.putIfAbsent(h.locator(), h);
      }
    }
    return scores.entrySet().stream()
        .filter(e -> e.getValue() >= minScore)
        .sorted(
            Map.Entry.<RowLocator, Float>comparingByValue()
                .reversed()
                .thenComparing(e -> keywordRank.getOrDefault(e.getKey(), Integer.MAX_VALUE))
                .thenComparing(e -> hits.get(e.getKey()).id()))
        .limit(k)
        .map(e -> hits.get(e.getKey()).withScore(e.getValue()))
        .toList();
  }
}
