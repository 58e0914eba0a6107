package io.lakeshelf.content.storage;

import io.lakeshelf.content.testing.S3TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import software.amazon.awssdk.services.s3.S3Client;

/** The blob-store contract on S3, against S3Proxy started in this process. */
class S3ProxyBlobStoreIT extends BlobStoreContractTest {

  private static S3TestServer server;
  private static S3Client client;
  private static String bucket;
  private static int stores;

  @BeforeAll
  static void startServer() {
    server = S3TestServer.start();
    bucket = server.createBucket("lakeshelf-blobs");
    client = server.client(StorageRequestListener.NONE);
  }

  @AfterAll
  static void stopServer() {
    client.close();
    server.close();
  }

  @Override
  protected BlobStore newStore() {
    return new S3BlobStore(client, S3Location.parse("s3://" + bucket + "/catalog-" + stores++));
  }
}
