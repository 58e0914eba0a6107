package io.lakeshelf.index.embed;

import java.util.Objects;

/**
 * A passage of a test corpus: {@code text} is what gets embedded.
 *
 * @param id unique within its corpus
 * @param title a few words naming the passage
 * @param text the passage
 */
public record Passage(String id, String title, String text) {

  public Passage {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(title, "title");
    Objects.requireNonNull(text, "text");
    if (id.isBlank() || text.isBlank()) {
      throw new IllegalArgumentException("a passage needs an id and a text: " + id);
    }
  }
}
