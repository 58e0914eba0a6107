package io.lakeshelf.content.storage;

import java.util.Objects;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * Builds the AWS SDK v2 clients Lakeshelf talks to S3 with: the blocking client on a pooled Apache
 * HTTP client, the SDK's standard retry strategy (exponential backoff with jitter, throttling
 * included), and a listener told of every request attempt.
 *
 * <p>Checksums are computed and validated only where the S3 API requires them, so that S3-protocol
 * stores that predate flexible checksums work too.
 */
public final class S3Clients {

  private S3Clients() {}

  /** A client for these settings, reporting each request attempt to the listener. */
  public static S3Client create(S3Settings settings, StorageRequestListener listener) {
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(listener, "listener");
    var builder =
        S3Client.builder()
            .region(Region.of(settings.region()))
            .forcePathStyle(settings.pathStyleAccess())
            .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
            .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
            .httpClientBuilder(
                ApacheHttpClient.builder()
                    .maxConnections(settings.maxConnections())
                    // Waiting for 100-continue stalls every PUT by seconds on stores that never
                    // send it.
                    .expectContinueEnabled(false))
            .overrideConfiguration(
                c ->
                    c.addExecutionInterceptor(new CountingInterceptor(listener))
                        .apiCallAttemptTimeout(settings.requestTimeout()));
    if (settings.endpoint() != null) {
      builder.endpointOverride(settings.endpoint());
    }
    return builder.build();
  }

  /** A presigner for the same store, for handing clients time-limited GET URLs. */
  public static S3Presigner presigner(S3Settings settings) {
    var builder =
        S3Presigner.builder()
            .region(Region.of(settings.region()))
            .serviceConfiguration(
                S3Configuration.builder()
                    .pathStyleAccessEnabled(settings.pathStyleAccess())
                    .build());
    if (settings.endpoint() != null) {
      builder.endpointOverride(settings.endpoint());
    }
    return builder.build();
  }

  /** Classifies each request attempt by the operation it performs. */
  private record CountingInterceptor(StorageRequestListener listener)
      implements ExecutionInterceptor {
    @Override
    public void beforeTransmission(
        Context.BeforeTransmission context, ExecutionAttributes attributes) {
      listener.onRequest(
          "s3",
          operation(
              attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME), context.request()));
    }

    private static StorageOperation operation(String name, SdkRequest request) {
      if (name == null) {
        return StorageOperation.GET;
      }
      return switch (name) {
        case "GetObject" ->
            request instanceof GetObjectRequest g && g.range() != null
                ? StorageOperation.RANGE_GET
                : StorageOperation.GET;
        case "HeadObject", "HeadBucket" -> StorageOperation.HEAD;
        case "ListObjectsV2", "ListObjects", "ListBuckets" -> StorageOperation.LIST;
        case "DeleteObject", "DeleteObjects", "DeleteBucket" -> StorageOperation.DELETE;
        default -> name.startsWith("Get") ? StorageOperation.GET : StorageOperation.PUT;
      };
    }
  }
}
