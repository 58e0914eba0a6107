package io.lakeshelf.index.embed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The small question-answering corpus of the repository, {@code src/e2e/resources/rag-corpus}: 44
 * short factual passages on many topics ({@code passages.jsonl}) and 12 questions each answered by
 * exactly one of them without sharing a content word with it ({@code questions.jsonl}), so that
 * keyword search cannot find the answers and vector search must.
 *
 * <p>It also holds the opposite case, {@link #PRODUCT_CODE}: searched for alone, the code's passage
 * is not the nearest by vector ({@link #PRODUCT_CODE_DECOY}, a list of look-alike codes, is) while
 * keyword search finds it at once.
 */
public final class RagCorpus {

  /** A product code that vector search alone ranks second and keyword search first. */
  public static final String PRODUCT_CODE = "XR-4471";

  /** The passage {@link #PRODUCT_CODE} is about: the machine's descaling instructions. */
  public static final String PRODUCT_CODE_PASSAGE = "xr4471-descaling";

  /** The passage nearest to {@link #PRODUCT_CODE} by vector: a parts list of look-alike codes. */
  public static final String PRODUCT_CODE_DECOY = "xr-parts";

  private static final ObjectMapper JSON = new ObjectMapper();

  private RagCorpus() {}

  /**
   * A question and the id of the one passage that answers it.
   *
   * @param question the question
   * @param answerId the answering passage's id
   */
  public record Question(String question, String answerId) {

    public Question {
      Objects.requireNonNull(question, "question");
      Objects.requireNonNull(answerId, "answerId");
    }
  }

  /** The corpus directory, found by walking up from the working directory. */
  public static Path dir() {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      Path candidate = p.resolve("src/e2e/resources/rag-corpus");
      if (Files.isRegularFile(candidate.resolve("passages.jsonl"))) {
        return candidate;
      }
    }
    throw new IllegalStateException(
        "no src/e2e/resources/rag-corpus above " + Path.of("").toAbsolutePath());
  }

  public static List<Passage> passages() {
    return read("passages.jsonl").stream()
        .map(
            j ->
                new Passage(
                    j.path("id").asText(), j.path("title").asText(), j.path("text").asText()))
        .toList();
  }

  public static List<Question> questions() {
    return read("questions.jsonl").stream()
        .map(j -> new Question(j.path("question").asText(), j.path("answerId").asText()))
        .toList();
  }

  public static Optional<Passage> passage(String id) {
    return passages().stream().filter(p -> p.id().equals(id)).findFirst();
  }

  private static List<JsonNode> read(String file) {
    List<JsonNode> rows = new ArrayList<>();
    try {
      for (String line : Files.readAllLines(dir().resolve(file))) {
        if (!line.isBlank()) {
          rows.add(JSON.readTree(line));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return rows;
  }
}
