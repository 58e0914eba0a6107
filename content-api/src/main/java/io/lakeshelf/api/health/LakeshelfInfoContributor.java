package io.lakeshelf.api.health;

import io.delta.kernel.Meta;
import io.lakeshelf.api.embed.Embeddings;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.lucene.util.Version;
import org.springframework.boot.actuate.info.Info;
import org.springframework.boot.actuate.info.InfoContributor;

/**
 * {@code /actuator/info}: Lakeshelf's version, the Delta Kernel and Lucene versions it runs, and
 * the embedding models it offers (and which are loaded).
 */
public final class LakeshelfInfoContributor implements InfoContributor {

  private final Embeddings embeddings;

  public LakeshelfInfoContributor(Embeddings embeddings) {
    this.embeddings = embeddings;
  }

  @Override
  public void contribute(Info.Builder builder) {
    Map<String, Object> info = new LinkedHashMap<>();
    info.put("version", versionOf(LakeshelfInfoContributor.class));
    info.put("deltaKernel", Meta.KERNEL_VERSION);
    info.put("lucene", Version.LATEST.toString());
    info.put("java", Runtime.version().toString());
    info.put(
        "embeddingModels",
        Map.of("offered", List.copyOf(embeddings.names()), "loaded", embeddings.loaded()));
    builder.withDetail("lakeshelf", info);
  }

  private static String versionOf(Class<?> type) {
    String v = type.getPackage().getImplementationVersion();
    return v == null ? "development" : v;
  }
}
