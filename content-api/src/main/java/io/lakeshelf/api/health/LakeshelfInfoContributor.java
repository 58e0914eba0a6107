package io.lakeshelf.api.health;

import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.actuate.info.Info;
import org.springframework.boot.actuate.info.InfoContributor;

/**
 * {@code /actuator/info}: Lakeshelf's version, the Delta Kernel and Lucene versions it runs, and the
 * embedding models it offers (and which are loaded).
 */
public final class LakeshelfInfoContributor implements InfoContributor {

  private final io.lakeshelf.api.embed.Embeddings embeddings;

  public LakeshelfInfoContributor(io.lakeshelf.api.embed.Embeddings embeddings) {
    this.embeddings = embeddings;
  }

  @Override
  public void contribute(Info.Builder builder) {
    Map<String, Object> info = new LinkedHashMap<>();
    info.put("version", versionOf(LakeshelfInfoContributor.class));
    info.put("deltaKernel", io.delta.kernel.Meta.KERNEL_VERSION);
    info.put("lucene", org.apache.lucene.util.Version.LATEST.toString());
    info.put("java", Runtime.version().toString());
    info.put("embeddingModels", Map.of(
        "offered", java.util.List.copyOf(embeddings.names()), "loaded", embeddings.loaded()));
    builder.withDetail("lakeshelf", info);
  }

  private static String versionOf(Class<?> type) {
    String v = type.getPackage().getImplementationVersion();
    return v == null ? "development" : v;
  }
}
