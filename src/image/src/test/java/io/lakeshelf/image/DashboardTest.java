package io.lakeshelf.image;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The dashboard's structure: every query reads at least one metric, on the dashboard's Prometheus
 * data source variable. Whether the service publishes those metrics is {@link ImageRunIT}'s check.
 */
class DashboardTest {

  @Test
  void metricNamesAreWhatAQueryReads() {
    assertThat(
            Dashboard.metricNames(
                "histogram_quantile(0.99, sum by (le, collection)"
                    + " (rate(lakeshelf_search_seconds_bucket{collection=~\"$collection\","
                    + " x=\"a{b}\"}[$__rate_interval])))"))
        .containsExactly("lakeshelf_search_seconds_bucket");
    assertThat(Dashboard.metricNames("sum(rate(a_total[5m])) / sum without (x) (b_count) > bool 0"))
        .containsExactly("a_total", "b_count");
    assertThat(Dashboard.metricNames("label_values(lakeshelf_index_lag, collection)"))
        .containsExactly("lakeshelf_index_lag");
  }

  @Test
  void everyPanelQueriesPrometheusThroughTheDataSourceVariable() throws Exception {
    Dashboard dashboard = Dashboard.load();
    assertThat(dashboard.json.get("uid").asString()).isEqualTo("lakeshelf");
    assertThat(dashboard.expressions()).hasSizeGreaterThan(15);
    assertThat(dashboard.expressions())
        .allSatisfy(e -> assertThat(Dashboard.metricNames(e)).as(e).isNotEmpty());
    dashboard
        .json
        .get("panels")
        .forEach(
            panel -> {
              if (panel.has("targets")) {
                assertThat(panel.get("datasource").get("uid").asString())
                    .isEqualTo("${datasource}");
              }
            });
    assertThat(dashboard.metricNames())
        .contains(
            "lakeshelf_search_seconds_bucket",
            "lakeshelf_ingest_rows_total",
            "lakeshelf_index_lag",
            "lakeshelf_storage_requests_total",
            "lakeshelf_time_travel_cache_versions",
            "http_server_requests_seconds_count",
            "jvm_memory_used_bytes",
            "jvm_gc_pause_seconds_sum");
  }
}
