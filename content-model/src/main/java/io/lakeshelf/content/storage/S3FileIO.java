package io.lakeshelf.content.storage;

import io.delta.kernel.defaults.engine.fileio.FileIO;
import io.delta.kernel.defaults.engine.fileio.InputFile;
import io.delta.kernel.defaults.engine.fileio.OutputFile;
import io.delta.kernel.defaults.engine.fileio.PositionOutputStream;
import io.delta.kernel.defaults.engine.fileio.SeekableInputStream;
import io.delta.kernel.utils.CloseableIterator;
import io.delta.kernel.utils.FileStatus;
import io.lakeshelf.content.kernel.KernelInternals;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Delta Kernel's file layer over S3 (and S3-protocol stores) through the AWS SDK v2; no Hadoop.
 *
 * <ul>
 *   <li><b>Commits</b> are safe with many writers: a log entry is written with {@code
 *       If-None-Match: *}, so exactly one writer creates each version; the others get {@code 412
 *       Precondition Failed}, which becomes {@link FileAlreadyExistsException}, and Kernel rebases
 *       and retries on the next version. A {@code 409 ConditionalRequestConflict} (a racing upload
 *       still in flight) is retried the same way.
 *   <li><b>Listing</b> a log from a version asks for the keys after that version's name, one
 *       directory level deep ({@code delimiter=/}), and pages through the answer.
 *   <li><b>Reads</b> are ranged GETs of at most {@value #READ_AHEAD} bytes at a time, so that a
 *       seek never leaves a large body half-read; a forward seek within the open range skips over
 *       it instead of asking again.
 *   <li><b>Writes</b> of data files go to a local temporary file and are uploaded in one PUT when
 *       closed: nothing is visible until it is complete.
 * </ul>
 *
 * <p>Failures become {@link FileNotFoundException} for missing keys and {@link StorageException}
 * otherwise; the SDK has already retried throttling and transient errors with backoff.
 */
public final class S3FileIO implements FileIO {

  /** Bytes asked for by one ranged GET of a sequential read. */
  static final int READ_AHEAD = 8 << 20;

  private final S3Client s3;
  private final Map<String, String> conf;

  public S3FileIO(S3Client s3, Map<String, String> conf) {
    this.s3 = Objects.requireNonNull(s3, "s3");
    this.conf = Map.copyOf(conf);
  }

  @Override
  public CloseableIterator<FileStatus> listFrom(String filePath) throws IOException {
    S3Location from = S3Location.parse(filePath);
    String key = from.key();
    String prefix = key.substring(0, key.lastIndexOf('/') + 1);
    // S3 lists keys strictly after start-after; anything before the name is filtered out below.
    String startAfter = key.length() > prefix.length() ? key.substring(0, key.length() - 1) : null;
    List<FileStatus> out = new ArrayList<>();
    boolean anyUnderPrefix = false;
    String token = null;
    try {
      do {
        ListObjectsV2Request.Builder request =
            ListObjectsV2Request.builder()
                .bucket(from.bucket())
                .prefix(prefix)
                .delimiter("/")
                .continuationToken(token);
        if (token == null && startAfter != null) {
          request.startAfter(startAfter);
        }
        ListObjectsV2Response page = s3.listObjectsV2(request.build());
        for (S3Object o : page.contents()) {
          anyUnderPrefix = true;
          if (o.key().compareTo(key) >= 0) {
            out.add(
                FileStatus.of(
                    new S3Location(from.scheme(), from.bucket(), o.key()).uri(),
                    o.size(),
                    o.lastModified() == null ? 0 : o.lastModified().toEpochMilli()));
          }
        }
        for (CommonPrefix ignored : page.commonPrefixes()) {
          anyUnderPrefix = true;
        }
        token = Boolean.TRUE.equals(page.isTruncated()) ? page.nextContinuationToken() : null;
      } while (token != null);
      if (!anyUnderPrefix) {
        ListObjectsV2Response any =
            s3.listObjectsV2(
                ListObjectsV2Request.builder()
                    .bucket(from.bucket())
                    .prefix(prefix)
                    .maxKeys(1)
                    .build());
        if (any.contents().isEmpty()) {
          throw new FileNotFoundException(
              "no objects under " + new S3Location(from.scheme(), from.bucket(), prefix));
        }
      }
    } catch (SdkException e) {
      throw StorageException.of(filePath, e);
    }
    return KernelInternals.iterator(out.iterator());
  }

  @Override
  public FileStatus getFileStatus(String path) throws IOException {
    S3Location location = S3Location.parse(path);
    HeadObjectResponse head = head(location);
    return FileStatus.of(
        path,
        head.contentLength(),
        head.lastModified() == null ? 0 : head.lastModified().toEpochMilli());
  }

  private HeadObjectResponse head(S3Location location) throws IOException {
    try {
      return s3.headObject(b -> b.bucket(location.bucket()).key(location.key()));
    } catch (SdkException e) {
      throw StorageException.of(location.uri(), e);
    }
  }

  @Override
  public String resolvePath(String path) {
    S3Location.parse(path);
    return path;
  }

  @Override
  public boolean mkdirs(String path) {
    return true; // S3 has no directories
  }

  @Override
  public InputFile newInputFile(String path, long fileSize) {
    S3Location location = S3Location.parse(path);
    return new InputFile() {
      // Kernel passes 0 when it does not know the size (as for _last_checkpoint): ask the store.
      private long length = fileSize > 0 ? fileSize : -1;

      @Override
      public long length() throws IOException {
        if (length < 0) {
          length = head(location).contentLength();
        }
        return length;
      }

      @Override
      public String path() {
        return path;
      }

      @Override
      public SeekableInputStream newStream() throws IOException {
        return new S3RangedInputStream(s3, location, length());
      }
    };
  }

  @Override
  public OutputFile newOutputFile(String path) {
    S3Location location = S3Location.parse(path);
    return new OutputFile() {
      @Override
      public String path() {
        return path;
      }

      @Override
      public PositionOutputStream create(boolean putIfAbsent) throws IOException {
        return new UploadOnCloseStream(location, putIfAbsent);
      }

      @Override
      public void writeAtomically(CloseableIterator<String> data, boolean overwrite)
          throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (data) {
          while (data.hasNext()) {
            bytes.write((data.next() + "\n").getBytes(StandardCharsets.UTF_8));
          }
        }
        put(location, RequestBody.fromBytes(bytes.toByteArray()), !overwrite);
      }
    };
  }

  /**
   * Uploads an object; with {@code ifAbsent}, only if no object has the key, else {@link
   * FileAlreadyExistsException}.
   */
  void put(S3Location location, RequestBody body, boolean ifAbsent) throws IOException {
    PutObjectRequest.Builder request =
        PutObjectRequest.builder().bucket(location.bucket()).key(location.key());
    if (ifAbsent) {
      request.ifNoneMatch("*");
    }
    try {
      s3.putObject(request.build(), body);
    } catch (S3Exception e) {
      if (ifAbsent && (e.statusCode() == 412 || e.statusCode() == 409)) {
        FileAlreadyExistsException taken = new FileAlreadyExistsException(location.uri());
        taken.initCause(e);
        throw taken;
      }
      throw StorageException.of(location.uri(), e);
    } catch (SdkException e) {
      throw StorageException.of(location.uri(), e);
    }
  }

  @Override
  public boolean delete(String path) throws IOException {
    S3Location location = S3Location.parse(path);
    try {
      s3.deleteObject(b -> b.bucket(location.bucket()).key(location.key()));
      return true;
    } catch (SdkException e) {
      throw StorageException.of(path, e);
    }
  }

  @Override
  public Optional<String> getConf(String confKey) {
    return Optional.ofNullable(conf.get(confKey));
  }

  @Override
  public void copyFileAtomically(String srcPath, String destPath, boolean overwrite)
      throws IOException {
    S3Location src = S3Location.parse(srcPath);
    byte[] bytes;
    try {
      bytes = s3.getObjectAsBytes(b -> b.bucket(src.bucket()).key(src.key())).asByteArray();
    } catch (SdkException e) {
      throw StorageException.of(srcPath, e);
    }
    put(S3Location.parse(destPath), RequestBody.fromBytes(bytes), !overwrite);
  }

  /** Buffers a written object in a local temporary file and uploads it in one PUT when closed. */
  private final class UploadOnCloseStream extends PositionOutputStream {
    private final S3Location location;
    private final boolean putIfAbsent;
    private final Path buffer;
    private final OutputStream out;
    private long pos;
    private boolean closed;

    UploadOnCloseStream(S3Location location, boolean putIfAbsent) throws IOException {
      this.location = location;
      this.putIfAbsent = putIfAbsent;
      this.buffer = Files.createTempFile("lakeshelf-upload-", ".part");
      this.out = new BufferedOutputStream(Files.newOutputStream(buffer), 1 << 16);
    }

    @Override
    public long getPos() {
      return pos;
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      pos++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      pos += len;
    }

    @Override
    public void flush() throws IOException {
      out.flush();
    }

    @Override
    public void close() throws IOException {
      if (closed) {
        return;
      }
      closed = true;
      try {
        out.close();
        put(location, RequestBody.fromFile(buffer), putIfAbsent);
      } finally {
        Files.deleteIfExists(buffer);
      }
    }
  }
}
