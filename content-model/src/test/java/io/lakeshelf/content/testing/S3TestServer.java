package io.lakeshelf.content.testing;

import io.lakeshelf.content.storage.S3Clients;
import io.lakeshelf.content.storage.S3Settings;
import io.lakeshelf.content.storage.StorageRequestListener;
import java.net.URI;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A real S3-protocol server in this process, for tests: S3Proxy 4.1 over an in-memory blob store,
 * on a random loopback port, checking AWS signatures. S3Proxy honours ranged GETs, start-after and
 * {@code If-None-Match: *} with exactly one winner per race, which the commit tests rely on.
 *
 * <p>Starting one sets the AWS SDK's credential system properties ({@code aws.accessKeyId}, {@code
 * aws.secretAccessKey}) to this server's keys, so code that takes credentials from the default
 * chain, as Lakeshelf does, signs for it.
 */
public final class S3TestServer implements AutoCloseable {

  public static final String ACCESS_KEY = "lakeshelf-test";
  public static final String SECRET_KEY = "lakeshelf-test-secret";

  private final S3Proxy proxy;
  private final URI endpoint;

  private S3TestServer(S3Proxy proxy, URI endpoint) {
    this.proxy = proxy;
    this.endpoint = endpoint;
  }

  public static S3TestServer start() {
    return start(new TransientNio2BlobStore());
  }

  /**
   * A server keeping its objects in files under {@code dir}, for data larger than the heap should
   * hold.
   */
  public static S3TestServer start(java.nio.file.Path dir) {
    return start(new org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore(dir.toString()));
  }

  private static S3TestServer start(org.gaul.s3proxy.blobstore.BlobStore store) {
    System.setProperty("aws.accessKeyId", ACCESS_KEY);
    System.setProperty("aws.secretAccessKey", SECRET_KEY);
    try {
      S3Proxy proxy =
          S3Proxy.builder()
              .blobStore(store)
              .endpoint(URI.create("http://127.0.0.1:0"))
              .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
              .build();
      proxy.start();
      long deadline = System.nanoTime() + 30_000_000_000L;
      while (!"STARTED".equals(proxy.getState())) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("S3Proxy did not start: " + proxy.getState());
        }
        Thread.sleep(5);
      }
      return new S3TestServer(proxy, URI.create("http://127.0.0.1:" + proxy.getPort()));
    } catch (Exception e) {
      throw new IllegalStateException("cannot start S3Proxy", e);
    }
  }

  public URI endpoint() {
    return endpoint;
  }

  /** Settings that reach this server (path-style, its endpoint). */
  public S3Settings settings() {
    return S3Settings.endpoint(endpoint);
  }

  /** A client of this server reporting requests to the listener. */
  public S3Client client(StorageRequestListener listener) {
    return S3Clients.create(settings(), listener);
  }

  /** Creates a bucket (if absent) and answers its name. */
  public String createBucket(String bucket) {
    try (S3Client s3 = client(StorageRequestListener.NONE)) {
      if (s3.listBuckets().buckets().stream().noneMatch(b -> b.name().equals(bucket))) {
        s3.createBucket(b -> b.bucket(bucket));
      }
    }
    return bucket;
  }

  /** Copies a directory tree (a table, a folder of images) under a prefix of a bucket. */
  public void upload(java.nio.file.Path dir, String bucket, String prefix) {
    try (S3Client s3 = client(StorageRequestListener.NONE);
        var files = java.nio.file.Files.walk(dir)) {
      for (java.nio.file.Path f : files.filter(java.nio.file.Files::isRegularFile).toList()) {
        String key =
            prefix + "/" + dir.relativize(f).toString().replace(java.io.File.separatorChar, '/');
        s3.putObject(b -> b.bucket(bucket).key(key), f);
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    try {
      proxy.stop();
    } catch (Exception e) {
      throw new IllegalStateException("cannot stop S3Proxy", e);
    }
  }
}
