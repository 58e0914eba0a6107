package io.lakeshelf.api.request;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakeshelf.api.config.LakeshelfProperties;
import io.lakeshelf.api.error.ApiException;
import io.lakeshelf.api.error.ErrorCode;
import io.lakeshelf.api.error.FieldError;
import io.lakeshelf.content.Document;
import io.lakeshelf.content.Similarity;
import io.lakeshelf.content.VectorSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;

class DocumentValidatorTest {

  private static final LakeshelfProperties.Limits LIMITS =
      new LakeshelfProperties.Limits(DataSize.ofMegabytes(1), 5, 100, 4096, 10, 8);
  private static final VectorSpec DENSE =
      new VectorSpec("dense", "dense_embedding", 2, Similarity.COSINE);
  private static final VectorSpec DOT = new VectorSpec("dot", "dot_embedding", 2, Similarity.DOT);

  private static DocumentInput doc(String id, String text, Map<String, float[]> vectors) {
    return new DocumentInput(id, null, text, null, vectors, null);
  }

  private static DocumentInput dense(String id) {
    return doc(id, null, Map.of("dense", new float[] {1, 0}));
  }

  private static List<Document> validate(
      List<VectorSpec> specs, Set<String> embedded, DocumentInput... docs) {
    return DocumentValidator.validate(
        new IngestRequest(Arrays.asList(docs)), specs, embedded, LIMITS);
  }

  private static ApiException refusal(
      List<VectorSpec> specs, Set<String> embedded, DocumentInput... docs) {
    try {
      validate(specs, embedded, docs);
    } catch (ApiException e) {
      return e;
    }
    throw new AssertionError("the batch was accepted");
  }

  @Test
  void acceptsAValidBatchInOrder() {
    List<Document> docs =
        validate(
            List.of(DENSE),
            Set.of(),
            doc("a", "x", Map.of("dense", new float[] {1, 0})),
            doc("b", null, Map.of("dense", new float[] {0, 1})));
    assertThat(docs).extracting(Document::id).containsExactly("a", "b");
    assertThat(docs.get(0).vectors().get("dense")).containsExactly(1, 0);
  }

  @Test
  void anEmptyOrMissingBatchIsInvalidAndTooManyIsTooLarge() {
    for (IngestRequest empty :
        new IngestRequest[] {null, new IngestRequest(null), new IngestRequest(List.of())}) {
      assertThatThrownBy(() -> DocumentValidator.validate(empty, List.of(DENSE), Set.of(), LIMITS))
          .isInstanceOfSatisfying(
              ApiException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST));
    }
    assertThat(
            validate(
                List.of(DENSE),
                Set.of(),
                dense("a"),
                dense("b"),
                dense("c"),
                dense("d"),
                dense("e")))
        .hasSize(5);
    // counted before any document is looked at: six bad documents are still too many
    ApiException tooMany = refusal(List.of(DENSE), Set.of(), null, null, null, null, null, null);
    assertThat(tooMany.code()).isEqualTo(ErrorCode.PAYLOAD_TOO_LARGE);
    assertThat(tooMany.getMessage()).contains("at most 5 documents, this one 6");
  }

  @Test
  void everyBadDocumentIsNamedAndNoneWritten() {
    List<DocumentInput> docs = new ArrayList<>();
    docs.add(doc("ok", null, Map.of("dense", new float[] {1, 0})));
    docs.add(null);
    docs.add(doc(" ", null, Map.of("dense", new float[] {1, 0})));
    docs.add(doc("ok", null, Map.of("dense", new float[] {1, 0})));
    ApiException e = refusal(List.of(DENSE), Set.of(), docs.toArray(DocumentInput[]::new));
    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
    assertThat(e.getMessage()).isEqualTo("3 problem(s) in the batch; nothing was written");
    assertThat(e.errors())
        .containsExactly(
            new FieldError(1, null, "", "a document must be an object"),
            new FieldError(2, " ", "id", "id is required"),
            new FieldError(3, "ok", "id", "id appears more than once in the batch"));
  }

  @Test
  void idLengthLimitIsInclusive() {
    String longest = "i".repeat(Document.MAX_ID_LENGTH);
    assertThat(
            validate(
                List.of(DENSE), Set.of(), doc(longest, null, Map.of("dense", new float[] {1, 0}))))
        .hasSize(1);
    ApiException e =
        refusal(
            List.of(DENSE),
            Set.of(),
            doc(longest + "i", null, Map.of("dense", new float[] {1, 0})));
    assertThat(e.errors())
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.field()).isEqualTo("id");
              assertThat(f.id()).isNull(); // too long to echo
            });
  }

  @Test
  void idsThatCannotBeAddressedInAPathAreRefused() {
    ApiException lone =
        refusal(
            List.of(DENSE), Set.of(), doc("a\uD800b", null, Map.of("dense", new float[] {1, 0})));
    FieldError f = lone.errors().get(0);
    assertThat(f.id()).isNull(); // a lone surrogate has no JSON form: not echoed
    assertThat(f.reason()).contains("lone surrogate (U+D800) at index 1").contains("'a\\uD800b'");
    ApiException control =
        refusal(List.of(DENSE), Set.of(), doc("a\tb", null, Map.of("dense", new float[] {1, 0})));
    assertThat(control.errors().get(0).id()).isEqualTo("a\tb");
    assertThat(control.errors().get(0).reason()).contains("control character U+0009");
    // a surrogate pair (an emoji) is valid Unicode
    assertThat(
            validate(
                List.of(DENSE),
                Set.of(),
                doc("a\uD83D\uDE00", null, Map.of("dense", new float[] {1, 0}))))
        .hasSize(1);
    // U+0085 (NEL) is a C1 control character
    assertThat(DocumentValidator.unaddressable("a\u0085")).contains("U+0085");
    assertThat(DocumentValidator.unaddressable("é/ü;x")).isNull();
  }

  @Test
  void textAndTitleLengthLimitsAreInclusive() {
    assertThat(
            validate(
                List.of(DENSE),
                Set.of(),
                doc("a", "x".repeat(10), Map.of("dense", new float[] {1, 0}))))
        .hasSize(1);
    ApiException e =
        refusal(
            List.of(DENSE),
            Set.of(),
            new DocumentInput(
                "a",
                "t".repeat(11),
                "x".repeat(11),
                null,
                Map.of("dense", new float[] {1, 0}),
                null));
    assertThat(e.errors()).extracting(FieldError::field).containsExactly("title", "text");
  }

  @Test
  void onlyDimensionErrorsAnswerDimensionMismatch() {
    ApiException dims =
        refusal(
            List.of(DENSE),
            Set.of(),
            doc("a", null, Map.of("dense", new float[] {1, 0, 0})),
            doc("b", null, Map.of("dense", new float[] {1})));
    assertThat(dims.code()).isEqualTo(ErrorCode.DIMENSION_MISMATCH);
    assertThat(dims.errors())
        .extracting(FieldError::field)
        .containsExactly("vectors.dense", "vectors.dense");
    ApiException mixed =
        refusal(
            List.of(DENSE),
            Set.of(),
            doc("a", null, Map.of("dense", new float[] {1, 0, 0})),
            doc("", null, Map.of("dense", new float[] {1, 0})));
    assertThat(mixed.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
  }

  @Test
  void vectorsThatTheirSpecCannotTakeAreNamed() {
    ApiException e =
        refusal(
            List.of(DENSE, DOT),
            Set.of(),
            doc(
                "nan",
                null,
                Map.of("dense", new float[] {Float.NaN, 1}, "dot", new float[] {1, 1})),
            doc("zero", null, Map.of("dense", new float[] {0, 0}, "dot", new float[] {0, 0})),
            doc(
                "inf",
                null,
                Map.of(
                    "dense", new float[] {1, 0}, "dot", new float[] {Float.POSITIVE_INFINITY, 0})),
            doc(
                "other",
                null,
                Map.of(
                    "dense",
                    new float[] {1, 0},
                    "dot",
                    new float[] {1, 0},
                    "sparse",
                    new float[] {1})));
    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
    assertThat(e.errors())
        .extracting(FieldError::id, FieldError::field)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("nan", "vectors.dense"),
            org.assertj.core.groups.Tuple.tuple(
                "zero", "vectors.dense"), // all zeros has no cosine; a dot vector may be
            org.assertj.core.groups.Tuple.tuple("inf", "vectors.dot"),
            org.assertj.core.groups.Tuple.tuple("other", "vectors.sparse"));
    assertThat(e.errors().get(0).reason()).contains("non-finite value at position 0");
  }

  @Test
  void embeddedVectorsMayBeLeftOutWhenThereIsTextToEmbed() {
    Set<String> embedded = Set.of("dense");
    assertThat(validate(List.of(DENSE), embedded, doc("a", "some text", Map.of())))
        .singleElement()
        .satisfies(d -> assertThat(d.vectors()).isEmpty());
    assertThat(
            validate(
                List.of(DENSE),
                embedded,
                new DocumentInput("t", "a title", null, null, null, null)))
        .hasSize(1);
    ApiException nothing = refusal(List.of(DENSE), embedded, doc("a", "   ", null));
    assertThat(nothing.errors().get(0).reason()).contains("neither text nor title");
    ApiException required = refusal(List.of(DENSE), Set.of(), doc("a", "text", null));
    assertThat(required.errors().get(0).reason()).isEqualTo("vector 'dense' is required");
  }

  @Test
  void imagesAndMetadataAreChecked() {
    List<DocumentInput.ImageInput> images = new ArrayList<>();
    images.add(new DocumentInput.ImageInput("file:///x.png", "image/png", 3L, null, null));
    images.add(null);
    images.add(new DocumentInput.ImageInput(" ", null, null, null, null));
    images.add(new DocumentInput.ImageInput("file:///y.png", null, -1L, null, null));
    Map<String, Object> metadata = new java.util.LinkedHashMap<>();
    metadata.put("lang", "en");
    metadata.put("gone", null);
    metadata.put("year", 2024);
    metadata.put("score", 0.5);
    metadata.put("draft", false);
    metadata.put("nested", Map.of("a", 1));
    metadata.put("list", List.of("a"));
    metadata.put("huge", new java.math.BigInteger("9223372036854775808"));
    ApiException e =
        refusal(
            List.of(DENSE),
            Set.of(),
            new DocumentInput(
                "a", null, null, images, Map.of("dense", new float[] {1, 0}), metadata));
    assertThat(e.errors())
        .extracting(FieldError::field)
        .containsExactly(
            "images[1]",
            "images[2]",
            "images[3]",
            "metadata.gone",
            "metadata.nested",
            "metadata.list",
            "metadata.huge");
    assertThat(e.errors().get(0).reason()).isEqualTo("an image must be an object");
  }

  @Test
  void embeddingInputJoinsTitleAndText() {
    assertThat(DocumentValidator.embeddingInput("T", "body")).isEqualTo("T\n\nbody");
    assertThat(DocumentValidator.embeddingInput(" ", "body")).isEqualTo("body");
    assertThat(DocumentValidator.embeddingInput("T", "")).isEqualTo("T");
    assertThat(DocumentValidator.embeddingInput(null, " \n")).isNull();
  }
}
