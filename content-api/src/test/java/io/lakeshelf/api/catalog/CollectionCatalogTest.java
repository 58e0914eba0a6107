package io.lakeshelf.api.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakeshelf.api.error.ApiException;
import io.lakeshelf.api.error.ErrorCode;
import io.lakeshelf.content.storage.BlobStore;
import io.lakeshelf.content.storage.LocalBlobStore;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

/**
 * A shared catalog's definitions (here in a directory; on S3 in {@code SharedCatalogIT}): every
 * node reads what any wrote, a change from a stale read is refused, drops and re-creates are seqs
 * like any change, and old seqs are cleaned up.
 */
class CollectionCatalogTest {

  @TempDir Path dir;

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private static CollectionDefinition docs(int dimensions) {
    return new CollectionDefinition(
        "docs",
        CollectionMode.MANAGED,
        "s3://lake/catalog/tables/docs",
        Map.of(),
        Map.of("body", new VectorDefinition("body_embedding", dimensions, "cosine", null, null)),
        null,
        null);
  }

  private static ErrorCode code(Throwable e) {
    return ((ApiException) e).code();
  }

  @Test
  void nodesSeeEachOthersChangesAndAStaleChangeIsRefused() throws Exception {
    BlobStore shared = new LocalBlobStore(dir.resolve("catalog"));
    CollectionCatalog a = new CollectionCatalog(dir.resolve("a"), shared, JSON);
    CollectionCatalog b = new CollectionCatalog(dir.resolve("b"), shared, JSON);
    assertThat(a.shared()).isTrue();
    assertThat(a.load()).isEmpty();

    a.save(docs(3), null);
    assertThat(b.load()).containsExactly(docs(3));
    // b creates the same definition again (it had not seen a's): nothing to do, no error
    b.save(docs(3), null);
    // b changes it from what it read
    b.save(docs(4), docs(3));
    assertThat(a.load()).containsExactly(docs(4));
    // a changes it from its stale read: refused, nothing changed
    assertThatThrownBy(() -> a.save(docs(5), docs(3)))
        .satisfies(e -> assertThat(code(e)).isEqualTo(ErrorCode.WRITE_CONFLICT));
    assertThat(b.load()).containsExactly(docs(4));

    a.remove("docs", docs(4));
    assertThat(b.load()).isEmpty();
    b.remove("docs", docs(4)); // what is gone already: nothing to do, no error
    assertThat(a.load()).isEmpty();
    b.save(docs(6), null);
    assertThat(a.load()).containsExactly(docs(6));
    assertThat(
            shared.list("definitions/docs/").stream()
                .map(e -> e.key().substring("definitions/docs/".length()))
                .toList())
        .as("the current seq and the one before are kept")
        .containsExactly("0000000003.json", "0000000004.json");
    assertThat(a.defaultTable("docs")).isEqualTo(dir.resolve("catalog/tables/docs").toString());
  }

  @Test
  void inTheDataDirectoryTheDefinitionIsOneFileBesideTheIndexes() {
    CollectionCatalog local = new CollectionCatalog(dir, JSON);
    assertThat(local.shared()).isFalse();
    local.save(docs(3), null);
    assertThat(dir.resolve("collections/docs/collection.json")).exists();
    assertThat(local.load()).containsExactly(docs(3));
    local.remove("docs", docs(3));
    assertThat(local.load()).isEmpty();
    assertThat(local.defaultTable("docs"))
        .isEqualTo(dir.resolve("collections/docs/table").toAbsolutePath().toString());
  }
}
