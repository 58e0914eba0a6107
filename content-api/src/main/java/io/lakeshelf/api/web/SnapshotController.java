package io.lakeshelf.api.web;

import io.lakeshelf.api.catalog.SnapshotPublisher;
import io.lakeshelf.index.snapshot.SnapshotManifest;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.media.Schema.RequiredMode;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code /v1/admin/collections/{name}/snapshots}: index snapshots in the catalog. */
@RestController
@Tag(name = "admin")
@RequestMapping(path = "/v1/admin/collections/{name}/snapshots", produces = "application/json")
public class SnapshotController {

  private final SnapshotPublisher publisher;

  public SnapshotController(SnapshotPublisher publisher) {
    this.publisher = publisher;
  }

  /** One snapshot of one vector's index, as the API shows it. */
  public record SnapshotView(
      @Schema(requiredMode = RequiredMode.REQUIRED) String vector,
      @Schema(
              description =
                  "what a publish did: published (written now), existing (this state was"
                      + " published already); absent in listings and for an index with nothing"
                      + " to publish yet",
              allowableValues = {"published", "existing"})
          String outcome,
      @Schema(description = "the table version the index reflects") Long tableVersion,
      @Schema(description = "the Delta table id the index reflects") String tableId,
      @Schema(description = "the index files' total length") Long bytes,
      @Schema(description = "how many index files the snapshot holds") Integer files,
      @Schema(
              description =
                  "how many Lucene segments the index has; of two snapshots of one table version,"
                      + " nodes restore the one with fewer")
          Integer segments,
      @Schema(description = "when it was published, ISO-8601") String publishedAt,
      @Schema(description = "which node published it (host/pid)") String publishedBy,
      @Schema(description = "why the publish of this vector failed, when it did") String error) {

    static SnapshotView of(String vector, String outcome, SnapshotManifest m, String error) {
      if (m == null) {
        return new SnapshotView(vector, outcome, null, null, null, null, null, null, null, error);
      }
      return new SnapshotView(
          vector,
          outcome,
          m.tableVersion(),
          m.tableId(),
          m.bytes(),
          m.files().size(),
          m.segments(),
          m.publishedAt(),
          m.publishedBy(),
          error);
    }
  }

  @Operation(
      operationId = "publishSnapshots",
      summary =
          "Publish each vector's index as a snapshot in the catalog now (nodes with an empty data"
              + " directory then download it instead of building)")
  @PostMapping
  public Map<String, List<SnapshotView>> publish(@PathVariable String name) {
    List<SnapshotView> out = new ArrayList<>();
    for (SnapshotPublisher.Result r : publisher.publish(name)) {
      out.add(
          SnapshotView.of(
              r.vector(),
              r.outcome() == null || r.snapshot() == null
                  ? null
                  : r.outcome().name().toLowerCase(java.util.Locale.ROOT),
              r.snapshot(),
              r.error()));
    }
    return Map.of("snapshots", out);
  }

  @Operation(
      operationId = "listSnapshots",
      summary = "List the snapshots of each vector's index in the catalog, newest first")
  @GetMapping
  public Map<String, List<SnapshotView>> list(@PathVariable String name) throws IOException {
    List<SnapshotView> out = new ArrayList<>();
    for (Map.Entry<String, List<SnapshotManifest>> e : publisher.list(name).entrySet()) {
      for (SnapshotManifest m : e.getValue()) {
        out.add(SnapshotView.of(e.getKey(), null, m, null));
      }
    }
    return Map.of("snapshots", out);
  }
}
