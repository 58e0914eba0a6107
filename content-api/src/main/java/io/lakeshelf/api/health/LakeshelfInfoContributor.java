package io.lakeshelf.api.health;

import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.actuate.info.Info;
import org.springframework.boot.actuate.info.InfoContributor;

/** {@code /actuator/info}: Lakeshelf's version and the Delta Kernel and Lucene versions it runs. */
public final class LakeshelfInfoContributor implements InfoContributor {

  @Override
  public void contribute(Info.Builder builder) {
    Map<String, Object> info = new LinkedHashMap<>();
    info.put("version", versionOf(LakeshelfInfoContributor.class));
    info.put("deltaKernel", io.delta.kernel.Meta.KERNEL_VERSION);
    info.put("lucene", org.apache.lucene.util.Version.LATEST.toString());
    info.put("java", Runtime.version().toString());
    builder.withDetail("lakeshelf", info);
  }

  private static String versionOf(Class<?> type) {
    String v = type.getPackage().getImplementationVersion();
    return v == null ? "development" : v;
  }
}
