package io.lakeshelf.api.web;

import io.lakeshelf.api.request.DeleteRequest;
import io.lakeshelf.api.request.IngestRequest;
import io.lakeshelf.api.service.SearchService;
import io.lakeshelf.api.service.WriteService;
import io.lakeshelf.content.rows.Projection;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /v1/collections/{name}/documents}: upsert, get and delete documents. Writes are {@link
 * WriteService}'s, reads by id {@link SearchService}'s.
 */
@RestController
@Tag(name = "documents")
@RequestMapping(path = "/v1/collections/{name}/documents", produces = "application/json")
public class DocumentController {

  /**
   * How a document id is written in a path (the parameter's OpenAPI description); {@link
   * DocumentIds} decodes it from the raw path, the path variable Spring decodes is not used.
   */
  static final String ID_RULE =
      "The document id, percent-encoded as RFC 3986 says (UTF-8): "
          + "`/`, `\\`, `%`, `?`, `#`, `;`, space and non-ASCII characters must be sent as %XX "
          + "(`a;v=2` as `a%3Bv%3D2`, `a/b` as `a%2Fb`); `.` and `..` as `%2E` and `%2E%2E`. "
          + "A raw `;`, a malformed escape or bytes that are not UTF-8 answer 400 INVALID_REQUEST.";

  private final WriteService writes;
  private final SearchService reads;

  public DocumentController(WriteService writes, SearchService reads) {
    this.writes = writes;
    this.reads = reads;
  }

  @Operation(
      operationId = "upsertDocuments",
      summary = "Upsert a batch of documents in one Delta commit")
  @ApiResponse(
      responseCode = "200",
      description = "committed (and, unless refresh=false, searchable)",
      useReturnTypeSchema = true)
  @PostMapping
  public WriteResponses.Upserted upsert(
      @PathVariable String name,
      @RequestParam(defaultValue = "true") boolean refresh,
      @RequestBody IngestRequest request)
      throws IOException, InterruptedException {
    WriteService.Written w = writes.upsert(name, request, refresh);
    return new WriteResponses.Upserted(w.tableVersion(), w.rows(), w.searchable());
  }

  @Operation(operationId = "getDocument", summary = "Get a document by id")
  @GetMapping("/{id}")
  public Map<String, Object> get(
      @PathVariable String name,
      @PathVariable("id") @Parameter(description = ID_RULE) String routedId,
      @RequestParam(required = false)
          @Parameter(
              description =
                  "vectors, to return them too; any column of the table by name, to return it"
                      + " under `columns`")
          List<String> include,
      HttpServletRequest request) {
    String id = DocumentIds.fromPath(request);
    Projection projection = reads.getProjection(name, include);
    SearchService.Found found =
        reads.find(name, id, projection).orElseThrow(() -> SearchService.notFound(name, id));
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("id", found.document().id());
    json.putAll(DocumentJson.of(found.document(), projection));
    json.put("tableVersion", found.version().value());
    return json;
  }

  @Operation(operationId = "deleteDocument", summary = "Delete a document by id")
  @DeleteMapping("/{id}")
  public WriteResponses.Deleted delete(
      @PathVariable String name,
      @PathVariable("id") @Parameter(description = ID_RULE) String routedId,
      @RequestParam(defaultValue = "true") boolean refresh,
      HttpServletRequest request)
      throws IOException, InterruptedException {
    WriteService.Written w = writes.deleteOne(name, DocumentIds.fromPath(request), refresh);
    return new WriteResponses.Deleted(w.tableVersion(), w.rows(), w.searchable());
  }

  @Operation(operationId = "deleteDocuments", summary = "Delete documents by ids in one commit")
  @PostMapping("/delete")
  public WriteResponses.Deleted deleteMany(
      @PathVariable String name,
      @RequestParam(defaultValue = "true") boolean refresh,
      @RequestBody DeleteRequest request)
      throws IOException, InterruptedException {
    WriteService.Written w =
        writes.deleteMany(
            name,
            request == null ? null : request.ids(),
            request == null ? null : request.filter(),
            refresh);
    return new WriteResponses.Deleted(w.tableVersion(), w.rows(), w.searchable());
  }
}
