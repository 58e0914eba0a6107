package io.lakeshelf.api.config;

import io.lakeshelf.api.catalog.CollectionCatalog;
import io.lakeshelf.api.catalog.CollectionRegistry;
import io.lakeshelf.api.catalog.DataDirectoryLock;
import io.lakeshelf.api.catalog.IndexSyncScheduler;
import io.lakeshelf.api.catalog.PastVersions;
import io.lakeshelf.api.catalog.SnapshotPublisher;
import io.lakeshelf.api.embed.Embeddings;
import io.lakeshelf.api.embed.EmbeddingsShutdown;
import io.lakeshelf.api.embed.ModelPreload;
import io.lakeshelf.api.error.BodyContentTypeCheck;
import io.lakeshelf.api.error.QueryStringCheck;
import io.lakeshelf.api.error.RequestSizeLimit;
import io.lakeshelf.api.health.IndexHealthIndicator;
import io.lakeshelf.api.health.LakeshelfInfoContributor;
import io.lakeshelf.api.health.SnapshotHealthIndicator;
import io.lakeshelf.api.health.StorageHealthIndicator;
import io.lakeshelf.api.jobs.ReindexJobs;
import io.lakeshelf.api.security.ApiKeyFilter;
import io.lakeshelf.api.security.ApiKeys;
import io.lakeshelf.api.security.RouteAccess;
import io.lakeshelf.api.storage.StorageRequestMetrics;
import io.lakeshelf.content.storage.BlobStore;
import io.lakeshelf.content.storage.S3Clients;
import io.lakeshelf.content.storage.StorageEngine;
import io.lakeshelf.content.storage.TableEngines;
import io.lakeshelf.index.embed.EmbeddingModels;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.jackson.autoconfigure.JsonMapperBuilderCustomizer;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;
import org.springframework.web.servlet.handler.MappedInterceptor;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Wires the plain libraries into the service: the Delta engine, the collection registry over the
 * data directory, index sync, health and info contributions, strict JSON and the body size limit.
 */
@AutoConfiguration
@EnableConfigurationProperties(LakeshelfProperties.class)
public class LakeshelfAutoConfiguration {

  private static final Logger log = LoggerFactory.getLogger(LakeshelfAutoConfiguration.class);

  /** The embedding models offered; a deployment may define its own bean with more registered. */
  @Bean
  @ConditionalOnMissingBean
  EmbeddingModels lakeshelfEmbeddingModels() {
    return EmbeddingModels.withBuiltIns();
  }

  @Bean(destroyMethod = "close")
  Embeddings lakeshelfEmbeddings(EmbeddingModels models, LakeshelfProperties properties) {
    return new Embeddings(models, properties.embedding().options());
  }

  /**
   * Stops embedding before the web server's graceful shutdown waits for the requests running; the
   * {@code Embeddings} bean, destroyed before the models it depends on, closes the pools and then
   * the models.
   */
  @Bean
  EmbeddingsShutdown lakeshelfEmbeddingsShutdown(Embeddings embeddings) {
    return new EmbeddingsShutdown(embeddings);
  }

  /** Loads the models a collection embeds with, at start and when it is created. */
  @Bean
  ModelPreload lakeshelfModelPreload(Embeddings embeddings) {
    return new ModelPreload(embeddings);
  }

  @Bean
  StorageRequestMetrics lakeshelfStorageRequests(MeterRegistry meters) {
    return new StorageRequestMetrics(meters);
  }

  /**
   * The S3 client for {@code s3://} tables and images; it reaches the store only when first used.
   */
  @Bean(destroyMethod = "close")
  S3Client lakeshelfS3Client(LakeshelfProperties properties, StorageRequestMetrics requests) {
    return S3Clients.create(properties.s3().settings(), requests);
  }

  @Bean(destroyMethod = "close")
  S3Presigner lakeshelfS3Presigner(LakeshelfProperties properties) {
    return S3Clients.presigner(properties.s3().settings());
  }

  @Bean
  StorageEngine lakeshelfDeltaEngine(
      LakeshelfProperties properties, ObjectProvider<S3Client> s3, StorageRequestMetrics requests) {
    return TableEngines.create(
        s3::getObject,
        requests,
        properties.storage().footerCacheSize().toBytes(),
        (int) properties.storage().footerReadSize().toBytes(),
        properties.storage().pageCacheSize().toBytes());
  }

  @Bean(destroyMethod = "shutdownNow")
  ExecutorService lakeshelfIndexBuildExecutor(LakeshelfProperties properties) {
    AtomicInteger n = new AtomicInteger();
    return Executors.newFixedThreadPool(
        properties.index().buildThreads(),
        r -> {
          Thread t = new Thread(r, "lakeshelf-index-build-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
  }

  /** This process's hold on the data directory: taken before anything in it is read or written. */
  @Bean(destroyMethod = "close")
  DataDirectoryLock lakeshelfDataDirectoryLock(LakeshelfProperties properties) throws IOException {
    Files.createDirectories(properties.dataDir());
    DataDirectoryLock lock = DataDirectoryLock.acquire(properties.dataDir());
    log.info(
        "Lakeshelf data directory: {} (locked: {})",
        properties.dataDir().toAbsolutePath(),
        lock.file());
    return lock;
  }

  /** Time travel's bounded builds and cache of past versions, shared by every collection. */
  @Bean(destroyMethod = "close")
  PastVersions lakeshelfPastVersions(LakeshelfProperties properties, MeterRegistry meters) {
    return new PastVersions(properties.timeTravel().limits(), meters);
  }

  @Bean(destroyMethod = "close")
  CollectionRegistry lakeshelfCollections(
      LakeshelfProperties properties,
      StorageEngine engine,
      ExecutorService lakeshelfIndexBuildExecutor,
      JsonMapper json,
      DataDirectoryLock lakeshelfDataDirectoryLock,
      PastVersions lakeshelfPastVersions,
      ObjectProvider<S3Client> s3)
      throws IOException {
    LakeshelfProperties.Catalog c = properties.catalog();
    CollectionCatalog catalog =
        c.shared()
            ? new CollectionCatalog(
                properties.dataDir(), BlobStore.at(c.location(), s3::getObject), json)
            : new CollectionCatalog(properties.dataDir(), json);
    log.info(
        "Collection catalog: {}{}",
        catalog.location(),
        catalog.shared() ? " (shared: other nodes may serve and change these collections)" : "");
    CollectionRegistry registry =
        new CollectionRegistry(
            catalog,
            engine,
            lakeshelfIndexBuildExecutor,
            Executors.newVirtualThreadPerTaskExecutor(),
            lakeshelfPastVersions);
    registry.openAll();
    return registry;
  }

  @Bean(destroyMethod = "shutdownNow")
  ExecutorService lakeshelfJobRunner() {
    return Executors.newFixedThreadPool(
        1,
        r -> {
          Thread t = new Thread(r, "lakeshelf-jobs");
          t.setDaemon(true);
          return t;
        });
  }

  /** Publishes index snapshots to the catalog: on a schedule, after a reindex, on request. */
  @Bean
  SnapshotPublisher lakeshelfSnapshots(
      CollectionRegistry registry, LakeshelfProperties properties) {
    LakeshelfProperties.Catalog c = properties.catalog();
    return new SnapshotPublisher(
        registry,
        registry.catalog(),
        c.effectiveSnapshotInterval(),
        c.snapshotsKept(),
        c.snapshotGrace());
  }

  @Bean
  ReindexJobs lakeshelfReindexJobs(
      CollectionRegistry registry,
      LakeshelfProperties properties,
      JsonMapper json,
      ExecutorService lakeshelfJobRunner,
      SnapshotPublisher lakeshelfSnapshots) {
    return new ReindexJobs(
        registry,
        properties.dataDir().resolve("jobs"),
        json,
        lakeshelfJobRunner,
        properties.index().reindexRowsPerSecond(),
        lakeshelfSnapshots::publishSoon);
  }

  @Bean
  IndexSyncScheduler lakeshelfIndexSync(
      CollectionRegistry registry, LakeshelfProperties properties, MeterRegistry meters) {
    return new IndexSyncScheduler(registry, properties.index().syncInterval(), meters);
  }

  @Bean
  StorageHealthIndicator storageHealthIndicator(
      LakeshelfProperties properties, CollectionRegistry registry, ObjectProvider<S3Client> s3) {
    return new StorageHealthIndicator(properties.dataDir(), registry, s3::getObject);
  }

  @Bean
  IndexHealthIndicator indexHealthIndicator(CollectionRegistry registry) {
    return new IndexHealthIndicator(registry);
  }

  @Bean
  SnapshotHealthIndicator snapshotsHealthIndicator(
      CollectionRegistry registry, SnapshotPublisher snapshots, LakeshelfProperties properties) {
    return new SnapshotHealthIndicator(
        registry, snapshots, properties.catalog().effectiveSnapshotInterval());
  }

  @Bean
  LakeshelfInfoContributor lakeshelfInfoContributor(Embeddings embeddings) {
    return new LakeshelfInfoContributor(embeddings);
  }

  /** Strict JSON: unknown fields, numbers for strings and fractions for integers are refused. */
  @Bean
  JsonMapperBuilderCustomizer lakeshelfStrictJson() {
    return builder ->
        builder
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS);
  }

  /**
   * Tomcat passes {@code %2F} and {@code %5C} through to routing (document ids may hold {@code /}
   * and {@code \}) and reports what it refuses itself as problem+json. Its own mapper: the
   * customizer is applied while the web server is made, before most beans.
   */
  @Bean
  WebServerFactoryCustomizer<TomcatServletWebServerFactory> lakeshelfTomcatRequestUris() {
    return new TomcatRequestUris(JsonMapper.builder().build());
  }

  @Bean
  FilterRegistrationBean<ApiKeyFilter> lakeshelfApiKeys(
      LakeshelfProperties properties, JsonMapper json) {
    ApiKeys keys = new ApiKeys(properties.security().apiKeys());
    if (keys.open()) {
      log.warn(
          "No API keys configured (lakeshelf.security.api-keys): the API is open to anyone who can"
              + " reach it");
    } else {
      log.info("API keys required: {} configured", keys.size());
    }
    FilterRegistrationBean<ApiKeyFilter> bean =
        new FilterRegistrationBean<>(new ApiKeyFilter(keys, json));
    bean.addUrlPatterns("/*");
    bean.setOrder(Ordered.HIGHEST_PRECEDENCE + 10);
    return bean;
  }

  /**
   * The API-key rules checked again on the route the dispatcher chose, for every handler mapping (a
   * {@code MappedInterceptor} bean is picked up by each, actuator's included).
   */
  @Bean
  MappedInterceptor lakeshelfRouteAccess(JsonMapper json) {
    return new MappedInterceptor(null, new RouteAccess(json));
  }

  /** A wildcard Content-Type of a request body answers 400, checked after the route's access. */
  @Bean
  MappedInterceptor lakeshelfBodyContentTypeCheck() {
    return new MappedInterceptor(null, new BodyContentTypeCheck());
  }

  /** A malformed query string is refused (400) before anything reads a parameter, on every path. */
  @Bean
  FilterRegistrationBean<QueryStringCheck> lakeshelfQueryStringCheck(JsonMapper json) {
    FilterRegistrationBean<QueryStringCheck> bean =
        new FilterRegistrationBean<>(new QueryStringCheck(json));
    bean.addUrlPatterns("/*");
    bean.setOrder(Ordered.HIGHEST_PRECEDENCE);
    return bean;
  }

  @Bean
  FilterRegistrationBean<RequestSizeLimit> lakeshelfRequestSizeLimit(
      LakeshelfProperties properties, JsonMapper json) {
    FilterRegistrationBean<RequestSizeLimit> bean =
        new FilterRegistrationBean<>(
            new RequestSizeLimit(properties.limits().maxRequestSize().toBytes(), json));
    bean.addUrlPatterns("/v1/*");
    bean.setOrder(Ordered.HIGHEST_PRECEDENCE + 20);
    return bean;
  }
}
