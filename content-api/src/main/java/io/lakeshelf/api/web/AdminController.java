package io.lakeshelf.api.web;

import io.lakeshelf.api.error.ApiException;
import io.lakeshelf.api.error.ErrorCode;
import io.lakeshelf.api.jobs.Job;
import io.lakeshelf.api.jobs.ReindexJobs;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code /v1/admin}: reindex jobs. */
@RestController
@Tag(name = "admin")
@RequestMapping(path = "/v1/admin", produces = "application/json")
public class AdminController {

  private final ReindexJobs jobs;

  public AdminController(ReindexJobs jobs) {
    this.jobs = jobs;
  }

  @Operation(
      operationId = "reindexCollection",
      summary = "Rebuild a collection's index from its table while the old one serves")
  @ApiResponse(
      responseCode = "202",
      description = "the job, queued; Location names it",
      useReturnTypeSchema = true)
  @PostMapping("/collections/{name}/reindex")
  public ResponseEntity<Job> reindex(@PathVariable String name) {
    Job job = jobs.start(name);
    return ResponseEntity.accepted().location(URI.create("/v1/admin/jobs/" + job.id())).body(job);
  }

  @Operation(operationId = "listJobs", summary = "List jobs, newest first")
  @GetMapping("/jobs")
  public Map<String, List<Job>> list() {
    return Map.of("jobs", jobs.all());
  }

  @Operation(operationId = "getJob", summary = "Get a job with its progress")
  @GetMapping("/jobs/{id}")
  public Job get(@PathVariable String id) {
    return jobs.find(id)
        .orElseThrow(() -> new ApiException(ErrorCode.JOB_NOT_FOUND, "no job '" + id + "'"));
  }

  @Operation(operationId = "cancelJob", summary = "Cancel a running job")
  @DeleteMapping("/jobs/{id}")
  public Job cancel(@PathVariable String id) {
    return jobs.cancel(id);
  }
}
