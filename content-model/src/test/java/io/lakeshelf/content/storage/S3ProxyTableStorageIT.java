package io.lakeshelf.content.storage;

import io.lakeshelf.content.testing.S3TestServer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import software.amazon.awssdk.services.s3.S3Client;

/** The table-storage contract on S3, against S3Proxy started in this process. */
class S3ProxyTableStorageIT extends TableStorageContractTest {

  private static S3TestServer server;
  private static String bucket;
  private final List<S3Client> clients = new ArrayList<>();

  @BeforeAll
  static void startServer() {
    server = S3TestServer.start();
    bucket = server.createBucket("lakeshelf-contract");
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  @AfterEach
  void closeClients() {
    clients.forEach(S3Client::close);
  }

  @Override
  protected String newLocation() {
    return "s3://" + bucket + "/tables/" + unique();
  }

  @Override
  protected StorageEngine engine(StorageRequestListener listener) {
    S3Client client = server.client(listener);
    clients.add(client);
    return TableEngines.withS3(client, listener);
  }
}
