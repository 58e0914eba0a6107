package io.lakeshelf.api.catalog;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.media.Schema.RequiredMode;
import java.util.Objects;

/**
 * Where a serving index came from: built here from the table ({@code build}), or downloaded as a
 * snapshot ({@code snapshot}) reflecting {@code tableVersion}, published by another node (or this
 * one) at {@code publishedAt}; either way it has caught up with the table since by sync.
 *
 * @param kind {@code build} or {@code snapshot}
 * @param tableVersion the snapshot's table version (snapshot only)
 * @param publishedAt when the snapshot was published, ISO-8601 (snapshot only)
 * @param publishedBy which node published it (snapshot only)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record IndexSource(
    @Schema(
            requiredMode = RequiredMode.REQUIRED,
            allowableValues = {"build", "snapshot"})
        String kind,
    @Schema(description = "the snapshot's table version (snapshot only)") Long tableVersion,
    @Schema(description = "when the snapshot was published, ISO-8601 (snapshot only)")
        String publishedAt,
    @Schema(description = "which node published the snapshot, host/pid (snapshot only)")
        String publishedBy) {

  public static final IndexSource BUILD = new IndexSource("build", null, null, null);

  public IndexSource {
    Objects.requireNonNull(kind, "kind");
    if (!kind.equals("build") && !kind.equals("snapshot")) {
      throw new IllegalArgumentException("index source kind must be build or snapshot: " + kind);
    }
  }

  public static IndexSource snapshot(long tableVersion, String publishedAt, String publishedBy) {
    return new IndexSource("snapshot", tableVersion, publishedAt, publishedBy);
  }

  public boolean fromSnapshot() {
    return kind.equals("snapshot");
  }
}
