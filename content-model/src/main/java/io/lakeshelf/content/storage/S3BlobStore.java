package io.lakeshelf.content.storage;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * A {@link BlobStore} under an S3 prefix through the AWS SDK v2. {@link #createIfAbsent} is a PUT
 * with {@code If-None-Match: *} (S3 answers {@code 412} to all racers but one; a {@code 409
 * ConditionalRequestConflict} means another write of the key is in flight and loses too). Files
 * larger than {@value #MULTIPART_THRESHOLD} bytes are uploaded in parts of {@value #PART_SIZE}
 * bytes, which S3 makes visible only when the upload completes.
 */
public final class S3BlobStore implements BlobStore {

  static final long MULTIPART_THRESHOLD = 1L << 30;
  static final long PART_SIZE = 64L << 20;

  private final S3Client s3;
  private final S3Location root;

  public S3BlobStore(S3Client s3, S3Location root) {
    this.s3 = Objects.requireNonNull(s3, "s3");
    this.root = Objects.requireNonNull(root, "root");
  }

  @Override
  public String location() {
    return root.uri();
  }

  private S3Location object(String key) {
    return root.resolve(BlobStore.checkKey(key));
  }

  private String rootKey() {
    String k = root.key();
    return k.isEmpty() || k.endsWith("/") ? k : k + "/";
  }

  @Override
  public Optional<byte[]> read(String key) throws IOException {
    S3Location o = object(key);
    try {
      return Optional.of(s3.getObjectAsBytes(b -> b.bucket(o.bucket()).key(o.key())).asByteArray());
    } catch (NoSuchKeyException e) {
      return Optional.empty();
    } catch (SdkException e) {
      IOException failure = StorageException.of(o.uri(), e);
      if (failure instanceof FileNotFoundException) {
        return Optional.empty();
      }
      throw failure;
    }
  }

  @Override
  public boolean exists(String key) throws IOException {
    S3Location o = object(key);
    try {
      s3.headObject(b -> b.bucket(o.bucket()).key(o.key()));
      return true;
    } catch (NoSuchKeyException e) {
      return false;
    } catch (SdkException e) {
      IOException failure = StorageException.of(o.uri(), e);
      if (failure instanceof FileNotFoundException) {
        return false;
      }
      throw failure;
    }
  }

  @Override
  public boolean createIfAbsent(String key, byte[] content) throws IOException {
    S3Location o = object(key);
    try {
      s3.putObject(
          PutObjectRequest.builder().bucket(o.bucket()).key(o.key()).ifNoneMatch("*").build(),
          RequestBody.fromBytes(content));
      return true;
    } catch (S3Exception e) {
      if (e.statusCode() == 412 || e.statusCode() == 409) {
        return false;
      }
      throw StorageException.of(o.uri(), e);
    } catch (SdkException e) {
      throw StorageException.of(o.uri(), e);
    }
  }

  @Override
  public void put(String key, byte[] content) throws IOException {
    S3Location o = object(key);
    try {
      s3.putObject(b -> b.bucket(o.bucket()).key(o.key()), RequestBody.fromBytes(content));
    } catch (SdkException e) {
      throw StorageException.of(o.uri(), e);
    }
  }

  @Override
  public void upload(String key, Path file) throws IOException {
    S3Location o = object(key);
    long size = Files.size(file);
    try {
      if (size <= MULTIPART_THRESHOLD) {
        s3.putObject(b -> b.bucket(o.bucket()).key(o.key()), RequestBody.fromFile(file));
        return;
      }
      uploadInParts(o, file, size);
    } catch (SdkException e) {
      throw StorageException.of(o.uri(), e);
    }
  }

  private void uploadInParts(S3Location o, Path file, long size) throws IOException {
    String upload = s3.createMultipartUpload(b -> b.bucket(o.bucket()).key(o.key())).uploadId();
    try (InputStream in = Files.newInputStream(file)) {
      List<CompletedPart> parts = new ArrayList<>();
      int number = 1;
      for (long offset = 0; offset < size; offset += PART_SIZE, number++) {
        int length = (int) Math.min(PART_SIZE, size - offset);
        byte[] part = in.readNBytes(length);
        int n = number;
        String etag =
            s3.uploadPart(
                    b -> b.bucket(o.bucket()).key(o.key()).uploadId(upload).partNumber(n),
                    RequestBody.fromBytes(part))
                .eTag();
        parts.add(CompletedPart.builder().partNumber(n).eTag(etag).build());
      }
      s3.completeMultipartUpload(
          b ->
              b.bucket(o.bucket())
                  .key(o.key())
                  .uploadId(upload)
                  .multipartUpload(m -> m.parts(parts)));
    } catch (IOException | RuntimeException e) {
      try {
        s3.abortMultipartUpload(b -> b.bucket(o.bucket()).key(o.key()).uploadId(upload));
      } catch (SdkException ignored) {
        e.addSuppressed(ignored);
      }
      throw e;
    }
  }

  @Override
  public void download(String key, Path file) throws IOException {
    S3Location o = object(key);
    Files.createDirectories(file.toAbsolutePath().getParent());
    Files.deleteIfExists(file);
    try {
      s3.getObject(b -> b.bucket(o.bucket()).key(o.key()), file);
    } catch (SdkException e) {
      Files.deleteIfExists(file);
      throw StorageException.of(o.uri(), e);
    }
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
      channel.force(true);
    }
  }

  @Override
  public List<Entry> list(String prefix) throws IOException {
    String base = rootKey();
    List<Entry> out = new ArrayList<>();
    try {
      for (S3Object object :
          s3.listObjectsV2Paginator(b -> b.bucket(root.bucket()).prefix(base + prefix))
              .contents()) {
        out.add(
            new Entry(object.key().substring(base.length()), object.size(), object.lastModified()));
      }
    } catch (SdkException e) {
      throw StorageException.of(root.resolve(prefix).uri(), e);
    }
    out.sort(Comparator.comparing(Entry::key));
    return out;
  }

  @Override
  public void delete(String key) throws IOException {
    S3Location o = object(key);
    try {
      s3.deleteObject(b -> b.bucket(o.bucket()).key(o.key()));
    } catch (SdkException e) {
      throw StorageException.of(o.uri(), e);
    }
  }
}
