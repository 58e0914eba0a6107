package io.lakeshelf.api.request;

import io.lakeshelf.api.config.LakeshelfProperties;
import io.lakeshelf.api.error.ApiException;
import io.lakeshelf.api.error.ErrorCode;
import io.lakeshelf.api.error.FieldError;
import io.lakeshelf.content.ContentException;
import io.lakeshelf.content.DimensionMismatchException;
import io.lakeshelf.content.Document;
import io.lakeshelf.content.ImageAnchor;
import io.lakeshelf.content.VectorSpec;
import io.lakeshelf.content.table.TypedMetadata;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks an ingest batch against a collection's vectors and turns it into documents. A batch is all
 * or nothing: every bad document is named in the problem's {@code errors}, and none is written.
 */
public final class DocumentValidator {

  private DocumentValidator() {}

  /**
   * What a model embeds for a document: its title and text, one paragraph each; null if neither.
   */
  public static String embeddingInput(String title, String text) {
    boolean hasTitle = title != null && !title.isBlank();
    boolean hasText = text != null && !text.isBlank();
    if (hasTitle && hasText) {
      return title + "\n\n" + text;
    }
    return hasText ? text : hasTitle ? title : null;
  }

  /**
   * Why an id could not be addressed in a path ({@code /documents/{id}}), or null if it can: ids
   * must be Unicode text (no lone surrogate, which has no UTF-8 form) without control characters
   * (U+0000 to U+001F, U+007F to U+009F), which Tomcat or proxies refuse or mangle in a path.
   */
  static String unaddressable(String id) {
    for (int j = 0; j < id.length(); j++) {
      char c = id.charAt(j);
      if (Character.isHighSurrogate(c)
          && j + 1 < id.length()
          && Character.isLowSurrogate(id.charAt(j + 1))) {
        j++;
      } else if (Character.isSurrogate(c)) {
        return "id "
            + escaped(id)
            + " holds a lone surrogate (U+"
            + hex(c)
            + ") at index "
            + j
            + ": ids must be valid Unicode";
      } else if (Character.isISOControl(c)) {
        return "id "
            + escaped(id)
            + " holds the control character U+"
            + hex(c)
            + " at index "
            + j
            + ": ids must not hold control characters";
      }
    }
    return null;
  }

  private static boolean hasLoneSurrogate(String id) {
    for (int j = 0; j < id.length(); j++) {
      char c = id.charAt(j);
      if (Character.isHighSurrogate(c)
          && j + 1 < id.length()
          && Character.isLowSurrogate(id.charAt(j + 1))) {
        j++;
      } else if (Character.isSurrogate(c)) {
        return true;
      }
    }
    return false;
  }

  private static String hex(char c) {
    return String.format("%04X", (int) c);
  }

  /** The id in quotes, surrogates and control characters written as \\uXXXX. */
  private static String escaped(String id) {
    StringBuilder out = new StringBuilder("'");
    for (char c : id.toCharArray()) {
      if (Character.isSurrogate(c) || Character.isISOControl(c)) {
        out.append("\\u").append(hex(c));
      } else {
        out.append(c);
      }
    }
    return out.append('\'').toString();
  }

  /**
   * @param embedded the names of the vectors a model fills from the text: a document may leave them
   *     out if it has a text or a title; they are filled after validation
   */
  public static List<Document> validate(
      IngestRequest request,
      List<VectorSpec> vectors,
      Set<String> embedded,
      LakeshelfProperties.Limits limits) {
    int maxDocuments = limits.maxDocuments();
    int maxText = limits.maxTextLength();
    if (request == null || request.documents() == null || request.documents().isEmpty()) {
      throw new ApiException(
          ErrorCode.INVALID_REQUEST, "'documents' must hold at least one document");
    }
    if (request.documents().size() > maxDocuments) {
      throw new ApiException(
          ErrorCode.PAYLOAD_TOO_LARGE,
          "a batch holds at most "
              + maxDocuments
              + " documents, this one "
              + request.documents().size());
    }
    List<FieldError> errors = new ArrayList<>();
    int dimensionErrors = 0;
    List<Document> docs = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < request.documents().size(); i++) {
      DocumentInput in = request.documents().get(i);
      int before = errors.size();
      if (in == null) {
        errors.add(new FieldError(i, null, "", "a document must be an object"));
        continue;
      }
      String id = in.id();
      if (id == null || id.isBlank()) {
        errors.add(new FieldError(i, id, "id", "id is required"));
      } else if (id.length() > Document.MAX_ID_LENGTH) {
        errors.add(new FieldError(i, null, "id", "id is longer than " + Document.MAX_ID_LENGTH));
      } else if (unaddressable(id) != null) {
        // A lone surrogate cannot be written as JSON (nor UTF-8): the id is shown escaped.
        errors.add(new FieldError(i, hasLoneSurrogate(id) ? null : id, "id", unaddressable(id)));
      } else if (!seen.add(id)) {
        errors.add(new FieldError(i, id, "id", "id appears more than once in the batch"));
      }
      if (in.title() != null && in.title().length() > maxText) {
        errors.add(new FieldError(i, id, "title", "title is longer than " + maxText));
      }
      if (in.text() != null && in.text().length() > maxText) {
        errors.add(new FieldError(i, id, "text", "text is longer than " + maxText));
      }
      Map<String, float[]> given = in.vectors() == null ? Map.of() : in.vectors();
      for (String name : given.keySet()) {
        if (vectors.stream().noneMatch(v -> v.name().equals(name))) {
          errors.add(
              new FieldError(
                  i, id, "vectors." + name, "the collection has no vector '" + name + "'"));
        }
      }
      Map<String, float[]> checked = new LinkedHashMap<>();
      for (VectorSpec spec : vectors) {
        float[] v = given.get(spec.name());
        if (v == null) {
          if (!embedded.contains(spec.name())) {
            errors.add(
                new FieldError(
                    i, id, "vectors." + spec.name(), "vector '" + spec.name() + "' is required"));
          } else if (embeddingInput(in.title(), in.text()) == null) {
            errors.add(
                new FieldError(
                    i,
                    id,
                    "vectors." + spec.name(),
                    "vector '"
                        + spec.name()
                        + "' is made from the document's text, and this document has neither text"
                        + " nor title"));
          }
          continue;
        }
        try {
          spec.check(v);
          checked.put(spec.name(), v);
        } catch (DimensionMismatchException e) {
          errors.add(new FieldError(i, id, "vectors." + spec.name(), e.getMessage()));
          dimensionErrors++;
        } catch (ContentException e) { // INVALID_VECTOR
          errors.add(new FieldError(i, id, "vectors." + spec.name(), e.getMessage()));
        }
      }
      List<ImageAnchor> images = new ArrayList<>();
      if (in.images() != null) {
        for (int j = 0; j < in.images().size(); j++) {
          DocumentInput.ImageInput img = in.images().get(j);
          try {
            if (img == null) {
              throw new IllegalArgumentException("an image must be an object");
            }
            images.add(
                new ImageAnchor(
                    img.uri(),
                    img.contentType(),
                    img.sizeBytes(),
                    img.checksum(),
                    img.checksumAlgorithm()));
          } catch (RuntimeException e) {
            errors.add(new FieldError(i, id, "images[" + j + "]", e.getMessage()));
          }
        }
      }
      Map<String, Object> metadata = new LinkedHashMap<>();
      if (in.metadata() != null) {
        for (Map.Entry<String, Object> e : in.metadata().entrySet()) {
          try {
            metadata.put(e.getKey(), TypedMetadata.normalize(e.getValue()));
          } catch (IllegalArgumentException bad) {
            errors.add(
                new FieldError(
                    i,
                    id,
                    "metadata." + e.getKey(),
                    "metadata values must be strings, integers (64-bit), finite floating-point"
                        + " numbers or booleans: "
                        + bad.getMessage()));
          }
        }
      }
      if (errors.size() > before) {
        continue;
      }
      docs.add(new Document(id, in.title(), in.text(), images, checked, metadata, null));
    }
    if (!errors.isEmpty()) {
      throw new ApiException(
          dimensionErrors == errors.size()
              ? ErrorCode.DIMENSION_MISMATCH
              : ErrorCode.INVALID_REQUEST,
          errors.size() + " problem(s) in the batch; nothing was written",
          errors);
    }
    return docs;
  }
}
