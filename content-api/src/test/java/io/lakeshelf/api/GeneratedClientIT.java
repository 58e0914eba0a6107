package io.lakeshelf.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.lakeshelf.client.ApiClient;
import io.lakeshelf.client.ApiException;
import io.lakeshelf.client.JSON;
import io.lakeshelf.client.api.CollectionsApi;
import io.lakeshelf.client.api.DocumentsApi;
import io.lakeshelf.client.api.SearchApi;
import io.lakeshelf.client.model.AndFilter;
import io.lakeshelf.client.model.CollectionRequest;
import io.lakeshelf.client.model.CollectionView;
import io.lakeshelf.client.model.DeleteRequest;
import io.lakeshelf.client.model.Deleted;
import io.lakeshelf.client.model.DocumentInput;
import io.lakeshelf.client.model.FieldError;
import io.lakeshelf.client.model.FieldFilter;
import io.lakeshelf.client.model.Filter;
import io.lakeshelf.client.model.FilterValue;
import io.lakeshelf.client.model.Hit;
import io.lakeshelf.client.model.ImageInput;
import io.lakeshelf.client.model.IngestRequest;
import io.lakeshelf.client.model.MetadataValue;
import io.lakeshelf.client.model.NotFilter;
import io.lakeshelf.client.model.OrFilter;
import io.lakeshelf.client.model.Problem;
import io.lakeshelf.client.model.SearchRequest;
import io.lakeshelf.client.model.SearchResponse;
import io.lakeshelf.client.model.Upserted;
import io.lakeshelf.client.model.VectorRequest;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's walk-through, with a client that openapi-generator (the {@code java} generator,
 * {@code native} library) generates at build time from the committed description, {@code
 * src/docs/openapi.json}, into {@code target/generated-test-sources/openapi}: create a collection,
 * ingest, search (filters of every kind included), get a document, delete it, search again, and
 * error answers read as the description's {@code Problem}. A description a generated client cannot
 * use (a missing schema, a filter it cannot express, a server it cannot reach) fails here.
 */
class GeneratedClientIT {

  @TempDir Path dataDir;

  @Test
  void theReadmeWalkThroughWithTheGeneratedClient() throws Exception {
    ApiClient defaults = new ApiClient();
    assertThat(defaults.getBaseUri())
        .as("the description's server, with its variables' defaults: the embedded service")
        .isEqualTo("http://localhost:8080");

    try (RunningService service = RunningService.start(dataDir)) {
      ApiClient client = new ApiClient();
      client.updateBaseUri("http://localhost:" + service.port);
      CollectionsApi collections = new CollectionsApi(client);
      DocumentsApi documents = new DocumentsApi(client);
      SearchApi search = new SearchApi(client);

      // Create a collection with one named vector of 3 dimensions.
      CollectionView created =
          collections.putCollection(
              "articles",
              new CollectionRequest()
                  .vectors(
                      Map.of(
                          "body",
                          new VectorRequest()
                              .dimensions(3)
                              .similarity(VectorRequest.SimilarityEnum.COSINE)))
                  .filterable(List.of("metadata.lang")),
              null);
      assertThat(created.getName()).isEqualTo("articles");
      assertThat(created.getMode()).isEqualTo(CollectionView.ModeEnum.MANAGED);
      assertThat(created.getVectors().get("body").getDimensions()).isEqualTo(3);

      // Ingest three documents in one commit.
      Upserted upserted =
          documents.upsertDocuments(
              "articles",
              new IngestRequest()
                  .documents(
                      List.of(
                          new DocumentInput()
                              .id("doc-1")
                              .title("Lakes")
                              .text("Lakes hold water.")
                              .images(
                                  List.of(
                                      new ImageInput()
                                          .uri("s3://bucket/img/1.png")
                                          .contentType("image/png")
                                          .sizeBytes(48213L)
                                          .checksum("9f86d0")
                                          .checksumAlgorithm("SHA-256")))
                              .vectors(Map.of("body", List.of(0.9f, 0.1f, 0.0f)))
                              .metadata(Map.of("lang", metadata("en"), "year", metadata(2024L))),
                          new DocumentInput()
                              .id("doc-2")
                              .title("Shelves")
                              .text("Shelves hold books.")
                              .vectors(Map.of("body", List.of(0.1f, 0.9f, 0.0f)))
                              .metadata(Map.of("lang", metadata("de"), "year", metadata(2019L))),
                          new DocumentInput()
                              .id("doc-3")
                              .title("Rivers")
                              .text("Rivers feed lakes.")
                              .vectors(Map.of("body", List.of(0.7f, 0.0f, 0.3f))))),
              null);
      assertThat(upserted.getUpserted()).isEqualTo(3);
      assertThat(upserted.getSearchable()).isTrue();

      // Search: the two nearest documents, with their rows.
      SearchResponse nearest =
          search.search("articles", new SearchRequest().vector(List.of(1.0f, 0.0f, 0.0f)).k(2));
      assertThat(ids(nearest)).containsExactly("doc-1", "doc-3");
      assertThat(nearest.getHits().get(0).getDocument()).containsEntry("title", "Lakes");
      assertThat(nearest.getTableVersion()).isEqualTo(upserted.getTableVersion());

      // Filters, each kind the description's Filter schema has.
      assertThat(
              ids(
                  search.search(
                      "articles", vector().filter(field("metadata.lang").eq(value("de"))))))
          .containsExactly("doc-2");
      assertThat(
              ids(
                  search.search(
                      "articles", vector().filter(field("metadata.lang").ne(value("de"))))))
          .containsExactly("doc-1");
      assertThat(
              ids(
                  search.search(
                      "articles",
                      vector()
                          .filter(field("metadata.lang").in(List.of(value("en"), value("de")))))))
          .containsExactly("doc-1", "doc-2");
      assertThat(
              ids(search.search("articles", vector().filter(field("metadata.lang").exists(false)))))
          .containsExactly("doc-3");
      // Typed metadata: an undeclared integer key, compared as a number.
      assertThat(
              ids(
                  search.search(
                      "articles",
                      vector()
                          .filter(
                              field("metadata.year")
                                  .gte(new FilterValue(java.math.BigDecimal.valueOf(2020)))))))
          .containsExactly("doc-1");
      assertThat(
              ids(
                  search.search(
                      "articles",
                      vector()
                          .filter(
                              new Filter(
                                  new AndFilter()
                                      .and(
                                          List.of(
                                              field("metadata.lang").exists(true),
                                              new Filter(
                                                  new NotFilter()
                                                      .not(
                                                          field("metadata.lang")
                                                              .eq(value("en")))))))))))
          .containsExactly("doc-2");
      assertThat(
              ids(
                  search.search(
                      "articles",
                      vector()
                          .k(3)
                          .filter(
                              new Filter(
                                  new OrFilter()
                                      .or(
                                          List.of(
                                              field("metadata.lang").eq(value("de")),
                                              new Filter(
                                                  new NotFilter()
                                                      .not(
                                                          field("metadata.lang")
                                                              .exists(true))))))))))
          .containsExactly("doc-3", "doc-2");
      assertThat(
              ids(
                  search.search(
                      "articles", vector().filter(field("metadata.lang").gte(value("e"))))))
          .as("a range on text values")
          .containsExactly("doc-1");

      // Fetch one document by id.
      Map<String, Object> doc2 = documents.getDocument("articles", "doc-2", null);
      assertThat(doc2)
          .containsEntry("title", "Shelves")
          .containsEntry("text", "Shelves hold books.");

      // Delete one, and search again: doc-1 is gone.
      Deleted deleted = documents.deleteDocument("articles", "doc-1", null);
      assertThat(deleted.getDeleted()).isEqualTo(1);
      SearchResponse again =
          search.search("articles", new SearchRequest().vector(List.of(1.0f, 0.0f, 0.0f)).k(2));
      assertThat(ids(again)).containsExactly("doc-3", "doc-2");
      assertThat(again.getTableVersion()).isEqualTo(deleted.getTableVersion());

      // Delete by filter.
      Deleted byFilter =
          documents.deleteDocuments(
              "articles", new DeleteRequest().filter(field("metadata.lang").eq(value("de"))), null);
      assertThat(byFilter.getDeleted()).isEqualTo(1);
      assertThat(ids(search.search("articles", vector().k(3)))).containsExactly("doc-3");

      // Errors are Problems: a vector of the wrong length,
      Problem dimensions =
          problem(() -> search.search("articles", new SearchRequest().vector(List.of(1.0f, 0.0f))));
      assertThat(dimensions.getStatus()).isEqualTo(400);
      assertThat(dimensions.getCode()).isEqualTo(Problem.CodeEnum.DIMENSION_MISMATCH);
      assertThat(dimensions.getType())
          .hasToString("https://lakeshelf.io/problems/dimension-mismatch");
      assertThat(dimensions.getTitle()).isEqualTo("Bad Request");
      assertThat(dimensions.getDetail()).isNotBlank();
      assertThat(dimensions.getInstance()).isEqualTo("/v1/collections/articles/search");

      // a filter on a field that is not filterable,
      Problem notFilterable =
          problem(
              () -> search.search("articles", vector().filter(field("title").eq(value("Lakes")))));
      assertThat(notFilterable.getCode()).isEqualTo(Problem.CodeEnum.FIELD_NOT_FILTERABLE);

      // a document that is gone,
      Problem gone = problem(() -> documents.getDocument("articles", "doc-1", null));
      assertThat(gone.getStatus()).isEqualTo(404);
      assertThat(gone.getCode()).isEqualTo(Problem.CodeEnum.DOCUMENT_NOT_FOUND);

      // and a refused batch, with one field error per problem.
      Problem batch =
          problem(
              () ->
                  documents.upsertDocuments(
                      "articles",
                      new IngestRequest()
                          .documents(
                              List.of(
                                  new DocumentInput()
                                      .id("doc-4")
                                      .vectors(Map.of("body", List.of(1.0f, 0.0f, 0.0f))),
                                  new DocumentInput()
                                      .id("doc-5")
                                      .vectors(Map.of("body", List.of(1.0f))))),
                      null));
      assertThat(batch.getCode()).isEqualTo(Problem.CodeEnum.DIMENSION_MISMATCH);
      assertThat(batch.getErrors()).hasSize(1);
      FieldError error = batch.getErrors().get(0);
      assertThat(error.getIndex()).isEqualTo(1);
      assertThat(error.getId()).isEqualTo("doc-5");
      assertThat(error.getField()).isEqualTo("vectors.body");
      assertThat(error.getReason()).isNotBlank();
    }
  }

  private static SearchRequest vector() {
    return new SearchRequest().vector(List.of(1.0f, 0.0f, 0.0f)).k(3);
  }

  private static FieldFilter fieldFilter(String field) {
    return new FieldFilter().field(field);
  }

  /** A field condition as a {@link Filter}, built with the condition's setter. */
  private static FieldCondition field(String field) {
    return new FieldCondition(fieldFilter(field));
  }

  /** Fluent conditions on one field that end in a {@link Filter}. */
  private record FieldCondition(FieldFilter f) {
    Filter eq(FilterValue v) {
      return new Filter(f.eq(v));
    }

    Filter ne(FilterValue v) {
      return new Filter(f.ne(v));
    }

    Filter gte(FilterValue v) {
      return new Filter(f.gte(v));
    }

    Filter in(List<FilterValue> values) {
      return new Filter(f.in(values));
    }

    Filter exists(boolean exists) {
      return new Filter(f.exists(exists));
    }
  }

  private static MetadataValue metadata(Object v) {
    MetadataValue m = new MetadataValue();
    m.setActualInstance(v);
    return m;
  }

  private static FilterValue value(String s) {
    return new FilterValue(s);
  }

  private static List<String> ids(SearchResponse response) {
    return response.getHits().stream().map(Hit::getId).toList();
  }

  interface Call {
    Object run() throws ApiException;
  }

  /** The error answer of a call, read as the description's {@code Problem}. */
  private static Problem problem(Call call) throws Exception {
    ApiException e = catchThrowableOfType(ApiException.class, call::run);
    assertThat(e).as("the call should have failed").isNotNull();
    assertThat(e.getResponseHeaders().firstValue("Content-Type").orElse(""))
        .startsWith("application/problem+json");
    Problem p = JSON.getDefault().getMapper().readValue(e.getResponseBody(), Problem.class);
    assertThat(p.getStatus()).isEqualTo(e.getCode());
    return p;
  }
}
