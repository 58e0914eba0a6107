package io.lakeshelf.index;

import java.util.Locale;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.CharArraySet;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.standard.StandardAnalyzer;

/**
 * How title and text are split into terms for keyword (BM25) search, chosen per collection.
 *
 * <ul>
 *   <li>{@code standard} (the default): Unicode word boundaries (UAX #29), lower-cased, no stop
 *       words, no stemming: works for any language, and a code such as {@code XR-4471} is kept as
 *       its parts {@code xr} and {@code 4471}, which must both match.
 *   <li>{@code english}: the same, plus English possessives, stop words and Porter stemming, so
 *       "lakes" matches "lake".
 * </ul>
 */
public enum TextAnalysis {
  STANDARD,
  ENGLISH;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static TextAnalysis fromWireName(String name) {
    if (name == null) {
      return STANDARD;
    }
    for (TextAnalysis a : values()) {
      if (a.wireName().equals(name)) {
        return a;
      }
    }
    throw new IllegalArgumentException(
        "unknown analyzer '" + name + "': expected standard or english");
  }

  Analyzer analyzer() {
    return switch (this) {
      case STANDARD -> new StandardAnalyzer(CharArraySet.EMPTY_SET);
      case ENGLISH -> new EnglishAnalyzer();
    };
  }
}
