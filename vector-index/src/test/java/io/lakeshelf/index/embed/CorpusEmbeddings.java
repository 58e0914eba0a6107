package io.lakeshelf.index.embed;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Embeddings of {@link RealTextCorpus} by the bundled model, cached in a file so that the tests of
 * one build (and later builds until {@code mvn clean}) embed each passage once.
 *
 * <p>The cache is {@code target/embeddings-cache/all-minilm-l6-v2-wordnet31.f32} under the working
 * directory (a module's directory when Maven runs its tests), or the file the system property
 * {@value #CACHE_PROPERTY} names. It holds the vectors of the corpus's first passages; asking for
 * more embeds only the missing ones and rewrites the file (atomically), asking for fewer reads a
 * prefix. Embedding runs through {@link EmbeddingService} with one thread per core, in batches of
 * 16: about 450 passages a second on two otherwise idle cores, so 45 s for 20,000.
 */
public final class CorpusEmbeddings {

  public static final String CACHE_PROPERTY = "lakeshelf.embeddings.cache";

  /** What the cached vectors are of; a file with another key is recomputed. */
  static final String KEY = MiniLmEmbedder.NAME + "/" + MiniLmEmbedder.MAX_TOKENS + "/wordnet31/v1";

  private static final byte[] MAGIC = "LSEMBED1".getBytes(StandardCharsets.US_ASCII);

  /** How many passages are embedded between two progress lines. */
  private static final int PROGRESS_CHUNK = 1_000;

  /** Passages embedded (not read from the cache) by this JVM, for tests of the cache. */
  static final AtomicLong EMBEDDED = new AtomicLong();

  private CorpusEmbeddings() {}

  /** The vectors of {@link RealTextCorpus#first(int) the first n passages}, in their order. */
  public static synchronized float[][] first(int n) {
    List<Passage> passages = RealTextCorpus.first(n);
    Path file = cacheFile();
    float[][] cached = read(file, n);
    if (cached.length == n) {
      return cached;
    }
    long start = System.nanoTime();
    float[][] vectors = Arrays.copyOf(cached, n);
    List<String> missing = passages.subList(cached.length, n).stream().map(Passage::text).toList();
    int cores = Runtime.getRuntime().availableProcessors();
    System.out.printf(
        Locale.ROOT,
        "embedding %,d corpus passages (%,d cached in %s)%n",
        missing.size(),
        cached.length,
        file);
    try (EmbeddingService service =
        new EmbeddingService(
            SharedModel.get(),
            new EmbeddingOptions(16, cores, 2 * cores, Duration.ofMinutes(10)))) {
      // In chunks, to print progress: embedding thousands of passages takes a while.
      for (int from = 0; from < missing.size(); from += PROGRESS_CHUNK) {
        int to = Math.min(missing.size(), from + PROGRESS_CHUNK);
        float[][] fresh = service.embedAll(missing.subList(from, to));
        EMBEDDED.addAndGet(fresh.length);
        System.arraycopy(fresh, 0, vectors, cached.length + from, fresh.length);
        System.out.printf(
            Locale.ROOT,
            "  embedded %,d of %,d passages (%.1f s)%n",
            to,
            missing.size(),
            (System.nanoTime() - start) / 1e9);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while embedding the corpus", e);
    }
    System.out.printf(
        Locale.ROOT,
        "embedded %,d corpus passages in %.1f s (%d threads); cached in %s%n",
        missing.size(),
        (System.nanoTime() - start) / 1e9,
        cores,
        file);
    write(file, vectors);
    return vectors;
  }

  static Path cacheFile() {
    String configured = System.getProperty(CACHE_PROPERTY);
    return configured != null
        ? Path.of(configured)
        : Path.of("target", "embeddings-cache", "all-minilm-l6-v2-wordnet31.f32").toAbsolutePath();
  }

  /** Up to {@code n} cached vectors; none if there is no usable cache. */
  private static float[][] read(Path file, int n) {
    if (!Files.isRegularFile(file)) {
      return new float[0][];
    }
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      ByteBuffer buf =
          ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size()).order(ByteOrder.LITTLE_ENDIAN);
      byte[] magic = new byte[MAGIC.length];
      buf.get(magic);
      byte[] key = new byte[buf.getInt()];
      buf.get(key);
      int dims = buf.getInt();
      int count = buf.getInt();
      if (!Arrays.equals(magic, MAGIC)
          || !KEY.equals(new String(key, StandardCharsets.UTF_8))
          || dims != MiniLmEmbedder.DIMENSIONS
          || buf.remaining() != (long) count * dims * Float.BYTES) {
        return new float[0][];
      }
      float[][] vectors = new float[Math.min(n, count)][dims];
      for (float[] v : vectors) {
        buf.asFloatBuffer().get(v);
        buf.position(buf.position() + dims * Float.BYTES);
      }
      return vectors;
    } catch (IOException | RuntimeException e) {
      return new float[0][]; // unreadable: recompute
    }
  }

  private static void write(Path file, float[][] vectors) {
    byte[] key = KEY.getBytes(StandardCharsets.UTF_8);
    int dims = MiniLmEmbedder.DIMENSIONS;
    ByteBuffer header =
        ByteBuffer.allocate(MAGIC.length + 12 + key.length).order(ByteOrder.LITTLE_ENDIAN);
    header.put(MAGIC).putInt(key.length).put(key).putInt(dims).putInt(vectors.length).flip();
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Path tmp =
          Files.createTempFile(
              file.toAbsolutePath().getParent(), file.getFileName().toString(), ".tmp");
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        ch.write(header);
        ByteBuffer body =
            ByteBuffer.allocate(dims * Float.BYTES * 1024).order(ByteOrder.LITTLE_ENDIAN);
        for (float[] v : vectors) {
          if (body.remaining() < dims * Float.BYTES) {
            ch.write(body.flip());
            body.clear();
          }
          body.asFloatBuffer().put(v);
          body.position(body.position() + dims * Float.BYTES);
        }
        ch.write(body.flip());
      }
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
