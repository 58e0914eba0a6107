package io.lakeshelf.api.storage;

import io.lakeshelf.content.storage.StorageOperation;
import io.lakeshelf.content.storage.StorageRequestListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@code lakeshelf.storage.requests} counter: every request made to a store, retries included,
 * tagged {@code store} ({@code s3} or {@code local}) and {@code operation} ({@code get}, {@code
 * range_get}, {@code head}, {@code list}, {@code put}, {@code delete}).
 */
public final class StorageRequestMetrics implements StorageRequestListener {

  public static final String METRIC = "lakeshelf.storage.requests";

  private final MeterRegistry meters;
  private final Map<String, Counter> counters = new ConcurrentHashMap<>();

  public StorageRequestMetrics(MeterRegistry meters) {
    this.meters = meters;
  }

  @Override
  public void onRequest(String store, StorageOperation operation) {
    counters
        .computeIfAbsent(
            store + "/" + operation.tagValue(),
            k ->
                Counter.builder(METRIC)
                    .description("Requests made to table storage")
                    .tag("store", store)
                    .tag("operation", operation.tagValue())
                    .register(meters))
        .increment();
  }
}
