package io.lakeshelf.content.storage;

import java.io.IOException;
import java.util.Objects;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/**
 * {@link RangeReader} over S3: one ranged GET per read. A tail is asked for as a suffix range
 * ({@code bytes=-n}), whose answer also gives the object's length, so a cold footer read needs no
 * HEAD first.
 */
public final class S3RangeReader implements RangeReader {

  private final S3Client s3;

  public S3RangeReader(S3Client s3) {
    this.s3 = Objects.requireNonNull(s3, "s3");
  }

  @Override
  public FileTail readTail(String uri, long fileLength, int bytes) throws IOException {
    S3Location location = S3Location.parse(uri);
    String range =
        fileLength >= 0
            ? "bytes=" + Math.max(0, fileLength - bytes) + "-" + (fileLength - 1)
            : "bytes=-" + bytes;
    ResponseBytes<GetObjectResponse> answer = get(location, range);
    byte[] out = answer.asByteArray();
    long length = fileLength >= 0 ? fileLength : totalLength(answer.response(), out.length);
    return new FileTail(length, length - out.length, out);
  }

  @Override
  public byte[] readRange(String uri, long offset, int length) throws IOException {
    return get(S3Location.parse(uri), "bytes=" + offset + "-" + (offset + length - 1))
        .asByteArray();
  }

  private ResponseBytes<GetObjectResponse> get(S3Location location, String range)
      throws IOException {
    try {
      return s3.getObjectAsBytes(b -> b.bucket(location.bucket()).key(location.key()).range(range));
    } catch (SdkException e) {
      throw StorageException.of(location.uri(), e);
    }
  }

  /** The object's length from {@code Content-Range: bytes a-b/total}. */
  private static long totalLength(GetObjectResponse response, int received) {
    String contentRange = response.contentRange();
    if (contentRange != null) {
      int slash = contentRange.lastIndexOf('/');
      if (slash >= 0 && !contentRange.endsWith("*")) {
        return Long.parseLong(contentRange.substring(slash + 1).trim());
      }
    }
    return received; // no range in the answer: the whole object came back
  }
}
