package io.lakeshelf.api.service;

import io.lakeshelf.api.catalog.CollectionDefinition;
import io.lakeshelf.api.catalog.CollectionMode;
import io.lakeshelf.api.catalog.CollectionRegistry;
import io.lakeshelf.api.catalog.ServedCollection;
import io.lakeshelf.api.config.LakeshelfProperties;
import io.lakeshelf.api.embed.Embeddings;
import io.lakeshelf.api.embed.ModelPreload;
import io.lakeshelf.api.error.ApiException;
import io.lakeshelf.api.error.ErrorCode;
import io.lakeshelf.api.jobs.ReindexJobs;
import io.lakeshelf.api.request.CollectionRequest;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.springframework.stereotype.Service;

/**
 * Creating, changing, listing and dropping collections: a request is checked by {@link
 * CollectionRules}, then {@link CollectionRegistry} serves the definition (building a changed index
 * beside the serving one); a drop first stops the collection's reindex job.
 */
@Service
public class CollectionService {

  /** How long a drop waits for the collection's reindex job to stop. */
  private static final Duration JOB_STOP_WAIT = Duration.ofSeconds(60);

  private final CollectionRegistry registry;
  private final ReindexJobs jobs;
  private final CollectionRules rules;
  private final ModelPreload models;

  public CollectionService(
      CollectionRegistry registry,
      LakeshelfProperties properties,
      Embeddings embeddings,
      ModelPreload models,
      ReindexJobs jobs) {
    this.registry = registry;
    this.jobs = jobs;
    this.models = models;
    this.rules =
        new CollectionRules(
            properties.limits().maxDimensions(),
            properties.dataDir(),
            properties.storage().managedRoots(),
            registry.catalog().tablesRoot(),
            registry::defaultTableLocation,
            embeddings::dimensions);
  }

  /** What a {@code PUT} did, and the collection as it is served now. */
  public record Put(CollectionRegistry.PutOutcome outcome, ServedCollection collection) {}

  public List<ServedCollection> all() {
    return registry.all();
  }

  /** The collection, or 404 {@code COLLECTION_NOT_FOUND}. */
  public ServedCollection get(String name) {
    return registry.get(name);
  }

  /** Creates or changes a collection; see {@link CollectionRegistry#put}. */
  public Put put(String name, boolean reindex, CollectionRequest request)
      throws IOException, InterruptedException {
    CollectionDefinition definition = rules.toDefinition(name, request);
    CollectionRegistry.PutOutcome outcome = registry.put(definition, reindex);
    models.warmUp(definition);
    return new Put(outcome, registry.get(name));
  }

  /**
   * Drops a collection and its indexes ({@code purge}: a managed table too). A reindex still
   * writing its new generation under the collection's directory is stopped first: deleting the
   * directory under it fails or leaves its files behind.
   */
  public void delete(String name, boolean purge) throws Exception {
    if (purge && registry.get(name).definition().mode() != CollectionMode.MANAGED) {
      throw new ApiException(
          ErrorCode.INVALID_REQUEST, "purge deletes data only of managed collections");
    }
    jobs.whileNoneRuns(
        name,
        JOB_STOP_WAIT,
        () -> {
          registry.delete(name, purge);
          return null;
        });
  }
}
