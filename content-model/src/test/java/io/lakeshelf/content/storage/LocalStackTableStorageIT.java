package io.lakeshelf.content.storage;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.parallel.Isolated;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.localstack.LocalStackContainer;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The table-storage contract against LocalStack's S3 in a container. Skipped where there is no
 * Docker engine (as on the build machines); runs wherever {@code docker info} works. Isolated: it
 * sets the JVM's AWS credential properties to LocalStack's, which the in-process S3Proxy of other
 * classes running meanwhile would refuse.
 */
@Isolated
@Testcontainers(disabledWithoutDocker = true)
class LocalStackTableStorageIT extends TableStorageContractTest {

  @Container
  static final LocalStackContainer LOCALSTACK =
      new LocalStackContainer("localstack/localstack:4.9").withServices("s3");

  private static final String BUCKET = "lakeshelf-contract";
  private final List<S3Client> clients = new ArrayList<>();

  @BeforeAll
  static void createBucket() {
    System.setProperty("aws.accessKeyId", LOCALSTACK.getAccessKey());
    System.setProperty("aws.secretAccessKey", LOCALSTACK.getSecretKey());
    try (S3Client s3 = S3Clients.create(settings(), StorageRequestListener.NONE)) {
      s3.createBucket(b -> b.bucket(BUCKET));
    }
  }

  private static S3Settings settings() {
    return new S3Settings(
        LOCALSTACK.getEndpoint(),
        LOCALSTACK.getRegion(),
        true,
        16,
        java.time.Duration.ofSeconds(30));
  }

  @AfterEach
  void closeClients() {
    clients.forEach(S3Client::close);
  }

  @Override
  protected String newLocation() {
    return "s3://" + BUCKET + "/tables/" + unique();
  }

  @Override
  protected StorageEngine engine(StorageRequestListener listener) {
    S3Client client = S3Clients.create(settings(), listener);
    clients.add(client);
    return TableEngines.withS3(client, listener);
  }
}
