package io.lakeshelf.api.service;

import io.lakeshelf.api.catalog.CollectionRegistry;
import io.lakeshelf.api.catalog.ServedCollection;
import io.lakeshelf.api.catalog.VectorDefinition;
import io.lakeshelf.api.embed.ModelPreload;
import io.lakeshelf.api.request.SearchRequest;
import java.io.IOException;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.stereotype.Component;

/**
 * Makes the first requests after a start as fast as the next ones, before the service reports
 * itself ready (Spring Boot turns readiness to accepting traffic after the application runners).
 * For each collection it loads and runs the models its vectors embed with ({@link ModelPreload}),
 * then runs one search per vector, k 1 with its joined row, not counted in the search metric: that
 * loads the search and join code, the Parquet reader and the data file's footer, which otherwise
 * the first client's search waits for (seconds in all on a fresh JVM). A collection that cannot be
 * searched yet (its first build runs) or fails is skipped: its own requests say why.
 */
@Component
public class WarmUp implements ApplicationRunner {

  private static final Logger log = LoggerFactory.getLogger(WarmUp.class);

  private final CollectionRegistry registry;
  private final ModelPreload models;
  private final SearchService search;

  public WarmUp(CollectionRegistry registry, ModelPreload models, SearchService search) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.models = Objects.requireNonNull(models, "models");
    this.search = Objects.requireNonNull(search, "search");
  }

  @Override
  public void run(ApplicationArguments args) {
    long started = System.nanoTime();
    int searched = 0;
    for (ServedCollection c : registry.all()) {
      models.warmUp(c.definition());
      for (Map.Entry<String, VectorDefinition> v : c.definition().vectors().entrySet()) {
        if (searchOnce(c.name(), v.getKey(), v.getValue())) {
          searched++;
        }
      }
    }
    if (searched > 0) {
      log.info(
          "Warmed up {} searches of {} collections in {} ms before taking traffic",
          searched,
          registry.all().size(),
          (System.nanoTime() - started) / 1_000_000);
    }
  }

  private boolean searchOnce(String collection, String vector, VectorDefinition d) {
    float[] unit = null;
    String text = null;
    if (d.embed() != null) {
      text = "warm up";
    } else {
      unit = new float[d.dimensions()];
      unit[0] = 1;
    }
    try {
      search.searchUnrecorded(
          collection, new SearchRequest(unit, text, vector, 1, null, null, null, null, null));
      return true;
    } catch (IOException | RuntimeException e) {
      log.debug("No warm-up search of {} ({}): {}", collection, vector, e.getMessage());
      return false;
    }
  }
}
