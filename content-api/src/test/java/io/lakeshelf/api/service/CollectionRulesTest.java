package io.lakeshelf.api.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakeshelf.api.catalog.CollectionDefinition;
import io.lakeshelf.api.catalog.CollectionMode;
import io.lakeshelf.api.error.ApiException;
import io.lakeshelf.api.error.ErrorCode;
import io.lakeshelf.api.request.CollectionRequest;
import io.lakeshelf.api.request.CollectionRequest.VectorRequest;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;

class CollectionRulesTest {

  private static final Path DATA = Path.of("/srv/lakeshelf");

  private final CollectionRules rules =
      new CollectionRules(
          1024,
          DATA,
          List.of("/mnt/tables", "s3://lake/managed/", "file:///mnt/uri%20root"),
          name -> DATA.resolve("collections").resolve(name).resolve("table").toString(),
          model -> {
            if (!model.equals("minilm")) {
              throw new ApiException(
                  ErrorCode.INVALID_REQUEST, "no embedding model '" + model + "'");
            }
            return 384;
          });

  private static Map<String, VectorRequest> vector(Integer dimensions) {
    return Map.of("dense", new VectorRequest(null, dimensions, null, null, null));
  }

  private static CollectionRequest managed(String table, Map<String, VectorRequest> vectors) {
    return new CollectionRequest(table, null, null, vectors, null, null);
  }

  private AbstractThrowableAssert<?, ? extends Throwable> refused(
      String name, CollectionRequest request, ErrorCode code) {
    return assertThatThrownBy(() -> rules.toDefinition(name, request))
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo(code));
  }

  @Test
  void onASharedCatalogAManagedTableLiesInItsOwnDirectoryOfTheCatalogOnly() {
    String tables = "s3://lake/catalog/tables/";
    CollectionRules shared =
        new CollectionRules(1024, DATA, List.of(), tables, name -> tables + name, model -> 384);
    CollectionDefinition d = shared.toDefinition("docs", managed(null, vector(3)));
    assertThat(d.table()).isEqualTo("s3://lake/catalog/tables/docs");
    assertThat(
            shared
                .toDefinition("docs", managed("s3://lake/catalog/tables/docs", vector(3)))
                .table())
        .isEqualTo(d.table());
    for (String other :
        List.of(
            "s3://lake/catalog/tables/other",
            "s3://lake/catalog/tables/docs/../other",
            "s3://lake/catalog/tables/docsx",
            "s3://lake/catalog/tables/docs/nested")) {
      assertThatThrownBy(() -> shared.toDefinition("docs", managed(other, vector(3))))
          .as(other)
          .isInstanceOfSatisfying(
              ApiException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST));
    }
    // the catalog's other prefixes are no managed root
    for (String outside :
        List.of(
            "s3://lake/catalog/definitions/docs",
            "s3://lake/catalog",
            "s3://lake/catalog//tables/x")) {
      assertThatThrownBy(() -> shared.toDefinition("docs", managed(outside, vector(3))))
          .as(outside)
          .isInstanceOf(ApiException.class);
    }
  }

  @Test
  void aManagedCollectionGetsItsDefaultTableAndColumn() {
    CollectionDefinition d = rules.toDefinition("docs", managed(null, vector(3)));
    assertThat(d.mode()).isEqualTo(CollectionMode.MANAGED);
    assertThat(d.table()).isEqualTo("/srv/lakeshelf/collections/docs/table");
    assertThat(d.vectors().get("dense").column()).isEqualTo("dense_embedding");
    assertThat(d.vectors().get("dense").similarity()).isEqualTo("cosine");
    assertThat(rules.toDefinition("docs", managed("  ", vector(3))).table()).isEqualTo(d.table());
  }

  @Test
  void namesFollowThePattern() {
    rules.toDefinition("a", managed(null, vector(3)));
    rules.toDefinition("a-b_0", managed(null, vector(3)));
    for (String bad : List.of("", "A", "-a", "_a", "a.b", "a/b", "é", "a".repeat(64))) {
      refused(bad, managed(null, vector(3)), ErrorCode.INVALID_REQUEST)
          .hasMessageContaining("collection name must match");
    }
    rules.toDefinition("a".repeat(63), managed(null, vector(3)));
    refused("docs", null, ErrorCode.INVALID_REQUEST).hasMessage("a body is required");
  }

  @Test
  void modeRules() {
    refused(
        "docs",
        new CollectionRequest(null, "Managed", null, vector(3), null, null),
        ErrorCode.INVALID_REQUEST);
    refused(
            "docs",
            new CollectionRequest(null, "external", null, vector(3), null, null),
            ErrorCode.INVALID_REQUEST)
        .hasMessage("an external collection needs 'table'");
    refused(
            "docs",
            new CollectionRequest(
                "/mnt/t", "external", Map.of("text", "body"), vector(3), null, null),
            ErrorCode.INVALID_REQUEST)
        .hasMessage("an external collection needs 'columns' with at least 'id'");
    refused(
            "docs",
            new CollectionRequest(null, "managed", Map.of("id", "id"), vector(3), null, null),
            ErrorCode.INVALID_REQUEST)
        .hasMessage("'columns' applies to external collections only");
    // an empty 'columns' on a managed collection is no columns at all
    rules.toDefinition(
        "docs", new CollectionRequest(null, "managed", Map.of(), vector(3), null, null));
  }

  @Test
  void anExternalVectorNeedsItsColumn() {
    Map<String, String> columns = Map.of("id", "doc_id");
    refused(
            "ext",
            new CollectionRequest("/data/t", "external", columns, vector(3), null, null),
            ErrorCode.INVALID_REQUEST)
        .hasMessage("vector 'dense' of an external collection needs 'column'");
    CollectionDefinition d =
        rules.toDefinition(
            "ext",
            new CollectionRequest(
                "/data/t/",
                "external",
                columns,
                Map.of("dense", new VectorRequest("emb", 3, "dot", null, null)),
                null,
                null));
    // an external table may lie anywhere, and its location is normalized
    assertThat(d.table()).isEqualTo("/data/t");
    assertThat(d.vectors().get("dense").column()).isEqualTo("emb");
  }

  @Test
  void filterableAndAnalyzerRules() {
    refused(
        "docs",
        new CollectionRequest(null, null, null, vector(3), Arrays.asList("lang", null), null),
        ErrorCode.FIELD_NOT_FILTERABLE);
    refused(
        "docs",
        new CollectionRequest(null, null, null, vector(3), List.of(" "), null),
        ErrorCode.FIELD_NOT_FILTERABLE);
    refused(
        "docs",
        new CollectionRequest(null, null, null, vector(3), List.of("x".repeat(257)), null),
        ErrorCode.FIELD_NOT_FILTERABLE);
    refused(
            "docs",
            new CollectionRequest(
                null, null, null, vector(3), List.of("metadata.lang", "metadata.lang"), null),
            ErrorCode.INVALID_REQUEST)
        .hasMessage("'filterable' lists a field twice");
    // a column the managed schema does not have is refused before anything is created
    refused(
            "docs",
            new CollectionRequest(null, null, null, vector(3), List.of("price"), null),
            ErrorCode.FIELD_NOT_FILTERABLE)
        .hasMessageStartingWith("'filterable': ");
    assertThat(
            rules
                .toDefinition(
                    "docs",
                    new CollectionRequest(
                        null, null, null, vector(3), List.of("metadata.lang"), null))
                .filterable())
        .containsExactly("metadata.lang");
    refused(
            "docs",
            new CollectionRequest(null, null, null, vector(3), null, "klingon"),
            ErrorCode.INVALID_REQUEST)
        .hasMessageStartingWith("'analyzer': ");
    assertThat(
            rules
                .toDefinition(
                    "docs", new CollectionRequest(null, null, null, vector(3), null, "english"))
                .analyzer())
        .isEqualTo("english");
  }

  @Test
  void vectorRules() {
    refused("docs", managed(null, null), ErrorCode.INVALID_REQUEST)
        .hasMessage("'vectors' must name at least one vector");
    refused("docs", managed(null, Map.of()), ErrorCode.INVALID_REQUEST);
    Map<String, VectorRequest> nullVector = new HashMap<>();
    nullVector.put("dense", null);
    refused("docs", managed(null, nullVector), ErrorCode.INVALID_REQUEST)
        .hasMessage("vector 'dense' must be an object");
    refused("docs", managed(null, vector(null)), ErrorCode.INVALID_REQUEST)
        .hasMessage("vector 'dense' needs 'dimensions'");
    refused("docs", managed(null, vector(0)), ErrorCode.INVALID_REQUEST);
    rules.toDefinition("docs", managed(null, vector(1024)));
    refused("docs", managed(null, vector(1025)), ErrorCode.INVALID_REQUEST)
        .hasMessageContaining("more than 1024 dimensions (lakeshelf.limits.max-dimensions)");
    refused(
            "docs",
            managed(null, Map.of("Dense", new VectorRequest(null, 3, null, null, null))),
            ErrorCode.INVALID_REQUEST)
        .hasMessageContaining("vector name 'Dense'");
    refused(
        "docs",
        managed(null, Map.of("dense", new VectorRequest(null, 3, "manhattan", null, null))),
        ErrorCode.INVALID_REQUEST);
  }

  @Test
  void quantizationNamesAreTheIndexOwn() {
    assertThat(CollectionRules.QUANTIZATIONS).containsExactly("none", "int8", "int4", "bbq");
    for (String q : CollectionRules.QUANTIZATIONS) {
      rules.toDefinition(
          "docs", managed(null, Map.of("dense", new VectorRequest(null, 8, null, null, q))));
    }
    refused(
            "docs",
            managed(null, Map.of("dense", new VectorRequest(null, 8, null, null, "INT8"))),
            ErrorCode.INVALID_REQUEST)
        .hasMessage("vector 'dense': 'quantization' must be one of [none, int8, int4, bbq]");
    // 'none' is stored as no quantization, so it equals a definition that says nothing
    assertThat(
            rules.toDefinition(
                "docs",
                managed(null, Map.of("dense", new VectorRequest(null, 8, null, null, "none")))))
        .isEqualTo(rules.toDefinition("docs", managed(null, vector(8))));
  }

  @Test
  void anEmbeddingModelSetsOrMustAgreeWithTheDimensions() {
    CollectionDefinition d =
        rules.toDefinition(
            "docs",
            managed(null, Map.of("dense", new VectorRequest(null, null, null, "minilm", null))));
    assertThat(d.vectors().get("dense").dimensions()).isEqualTo(384);
    rules.toDefinition(
        "docs", managed(null, Map.of("dense", new VectorRequest(null, 384, null, "minilm", null))));
    refused(
            "docs",
            managed(null, Map.of("dense", new VectorRequest(null, 385, null, "minilm", null))),
            ErrorCode.INVALID_REQUEST)
        .hasMessage("vector 'dense' has 385 dimensions but its model 'minilm' makes 384");
    refused(
            "docs",
            managed(null, Map.of("dense", new VectorRequest(null, null, null, "gpt", null))),
            ErrorCode.INVALID_REQUEST)
        .hasMessageContaining("no embedding model 'gpt'");
  }

  @Test
  void aManagedTableLiesUnderTheDataDirectoryOrAManagedRoot() {
    assertThat(rules.toDefinition("docs", managed("/srv/lakeshelf/tables/docs", vector(3))).table())
        .isEqualTo("/srv/lakeshelf/tables/docs");
    assertThat(rules.toDefinition("docs", managed("/mnt/tables/a/../docs", vector(3))).table())
        .isEqualTo("/mnt/tables/docs");
    assertThat(
            rules.toDefinition("docs", managed("file:///mnt/uri%20root/docs", vector(3))).table())
        .isEqualTo("/mnt/uri root/docs");
    assertThat(rules.toDefinition("docs", managed("s3://lake/managed/docs/", vector(3))).table())
        .isEqualTo("s3://lake/managed/docs");
    // the root itself is not a table under it, nor a sibling sharing its prefix
    refused("docs", managed("/mnt/tables", vector(3)), ErrorCode.INVALID_REQUEST)
        .hasMessageContaining("lies under neither");
    refused("docs", managed("/mnt/tablesx/docs", vector(3)), ErrorCode.INVALID_REQUEST);
    refused("docs", managed("/mnt/tables/../etc", vector(3)), ErrorCode.INVALID_REQUEST);
    refused("docs", managed("s3://lake/managedx/docs", vector(3)), ErrorCode.INVALID_REQUEST);
    refused("docs", managed("s3://other/managed/docs", vector(3)), ErrorCode.INVALID_REQUEST);
    // another collection's directory, but not this one's own default
    refused(
            "docs",
            managed("/srv/lakeshelf/collections/other/table", vector(3)),
            ErrorCode.INVALID_REQUEST)
        .hasMessageContaining("directory of another collection");
    assertThat(
            rules
                .toDefinition("docs", managed("/srv/lakeshelf/collections/docs/table", vector(3)))
                .table())
        .isEqualTo("/srv/lakeshelf/collections/docs/table");
  }

  @Test
  void tableLocationSpelling() {
    refused("docs", managed("tables/docs", vector(3)), ErrorCode.INVALID_REQUEST)
        .hasMessage("'table' must be an absolute path or a file: URI");
    refused("docs", managed("/mnt/tables/a\0b", vector(3)), ErrorCode.INVALID_REQUEST)
        .hasMessageContaining("NUL");
    refused("docs", managed("file:///mnt/tables/a?b", vector(3)), ErrorCode.INVALID_REQUEST)
        .hasMessageContaining("'?'");
    refused("docs", managed("file:///mnt/tables/a#b", vector(3)), ErrorCode.INVALID_REQUEST)
        .hasMessageContaining("'#'");
    refused("docs", managed("file://host/mnt/tables/a", vector(3)), ErrorCode.INVALID_REQUEST)
        .hasMessageContaining("'host'");
    refused("docs", managed("file:mnt/tables", vector(3)), ErrorCode.INVALID_REQUEST);
    refused("docs", managed("file:///mnt/tables/100%", vector(3)), ErrorCode.INVALID_REQUEST)
        .hasMessageContaining("encode '%' as %25");
    assertThat(
            rules
                .toDefinition("docs", managed("file://localhost/mnt/tables/a%23b", vector(3)))
                .table())
        .isEqualTo("/mnt/tables/a#b");
    // a plain path is taken as it is: '%' and '#' need no encoding there
    assertThat(rules.toDefinition("docs", managed("/mnt/tables/100%#1", vector(3))).table())
        .isEqualTo("/mnt/tables/100%#1");
    refused("docs", managed("s3://lake", vector(3)), ErrorCode.INVALID_REQUEST)
        .hasMessageContaining("needs a prefix");
    refused("docs", managed("s3://lake/managed/../x", vector(3)), ErrorCode.INVALID_REQUEST);
    refused("docs", managed("s3://lake/managed//x", vector(3)), ErrorCode.INVALID_REQUEST);
  }

  @Test
  void definitionsOfEqualRequestsAreEqual() {
    Map<String, VectorRequest> two = new LinkedHashMap<>();
    two.put("a", new VectorRequest(null, 3, "l2", null, "int8"));
    two.put("b", new VectorRequest(null, 5, null, null, null));
    assertThat(rules.toDefinition("docs", managed(null, two)))
        .isEqualTo(rules.toDefinition("docs", managed(null, two)));
    assertThat(rules.toDefinition("docs", managed(null, two)).vectorSpecs()).hasSize(2);
  }
}
