package io.lakeshelf.bench;

import io.lakeshelf.index.embed.EmbeddingOptions;
import io.lakeshelf.index.embed.EmbeddingService;
import io.lakeshelf.index.embed.MiniLmEmbedder;
import io.lakeshelf.index.embed.Passage;
import io.lakeshelf.index.embed.RealTextCorpus;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Throughput of the bundled embedding model ({@code all-minilm-l6-v2}, in process) on real text:
 * passages of {@link RealTextCorpus} (WordNet glosses, median 86 characters) embedded through
 * {@link EmbeddingService}, for each batch size and thread count asked for, in documents per
 * second. Every configuration embeds the same passages, after a warm-up on others.
 *
 * <pre>
 * src/bin/lakeshelf-benchmark --main io.lakeshelf.bench.EmbeddingBenchmark \
 *     --passages 4000 --warmup 500 --batch-sizes 1,16,64 --threads 1,2
 * </pre>
 *
 * The time to embed 20,000 passages the way {@code CorpusEmbeddings} does for the recall tests:
 * {@code --passages 20000 --batch-sizes 16 --threads 2}. The figures are only as good as the
 * machine is quiet: each line says how busy the other processes kept the cores.
 */
public final class EmbeddingBenchmark {

  private int passages = 4000;
  private int warmup = 500;
  private int[] batchSizes = {1, 16, 64};
  private int[] threads = {1, 2};

  public static void main(String[] args) throws Exception {
    EmbeddingBenchmark b = new EmbeddingBenchmark();
    for (int i = 0; i + 1 < args.length; i += 2) {
      String v = args[i + 1];
      switch (args[i]) {
        case "--passages" -> b.passages = Integer.parseInt(v);
        case "--warmup" -> b.warmup = Integer.parseInt(v);
        case "--batch-sizes" -> b.batchSizes = ints(v);
        case "--threads" -> b.threads = ints(v);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    b.run();
    System.exit(0);
  }

  private static int[] ints(String csv) {
    return Arrays.stream(csv.split(",")).mapToInt(s -> Integer.parseInt(s.strip())).toArray();
  }

  private void run() throws InterruptedException {
    List<Passage> corpus = RealTextCorpus.first(warmup + passages);
    List<String> warm = corpus.subList(0, warmup).stream().map(Passage::text).toList();
    List<String> texts =
        corpus.subList(warmup, warmup + passages).stream().map(Passage::text).toList();
    double meanChars = texts.stream().mapToInt(String::length).average().orElse(0);
    System.out.printf(
        Locale.ROOT,
        "embedding %,d WordNet passages (mean %.0f characters) with %s; %d cores; %s%n",
        passages,
        meanChars,
        MiniLmEmbedder.NAME,
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.vm.name") + " " + Runtime.version());
    long load = System.nanoTime();
    try (MiniLmEmbedder model = MiniLmEmbedder.load()) {
      System.out.printf(Locale.ROOT, "model loaded in %.1f s%n", (System.nanoTime() - load) / 1e9);
      try (EmbeddingService service = new EmbeddingService(model, options(32, maxOf(threads)))) {
        service.embedAll(warm);
      }
      for (int t : threads) {
        for (int batch : batchSizes) {
          try (EmbeddingService service = new EmbeddingService(model, options(batch, t))) {
            CpuMeter cpu = new CpuMeter();
            long start = System.nanoTime();
            float[][] vectors = service.embedAll(texts);
            double seconds = (System.nanoTime() - start) / 1e9;
            if (vectors.length != texts.size()) {
              throw new IllegalStateException(
                  "got " + vectors.length + " vectors for " + texts.size() + " texts");
            }
            String row =
                String.format(
                    Locale.ROOT,
                    "threads %d  batch %3d  %,8.0f documents/s  (%,d in %.1f s; %s)",
                    t,
                    batch,
                    texts.size() / seconds,
                    texts.size(),
                    seconds,
                    cpu.report());
            System.out.println(row);
          }
        }
      }
    }
  }

  private static EmbeddingOptions options(int batch, int threads) {
    return new EmbeddingOptions(batch, threads, 2 * threads, Duration.ofHours(1));
  }

  private static int maxOf(int[] values) {
    return Arrays.stream(values).max().orElse(1);
  }
}
