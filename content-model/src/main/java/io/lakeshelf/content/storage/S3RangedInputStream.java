package io.lakeshelf.content.storage;

import io.delta.kernel.defaults.engine.fileio.SeekableInputStream;
import java.io.EOFException;
import java.io.IOException;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/** A seekable read over ranged GETs of at most {@link S3FileIO#S3FileIO.READ_AHEAD} bytes each. */
final class S3RangedInputStream extends SeekableInputStream {
  private final S3Client s3;
  private final S3Location location;
  private final long length;
  private long pos;
  private ResponseInputStream<GetObjectResponse> body;
  private long bodyPos;
  private long bodyEnd;

  S3RangedInputStream(S3Client s3, S3Location location, long length) {
    this.s3 = s3;
    this.location = location;
    this.length = length;
  }

  private void position(int wanted) throws IOException {
    if (body != null && pos >= bodyPos && pos < bodyEnd && pos - bodyPos <= (1 << 20)) {
      body.skipNBytes(pos - bodyPos);
      bodyPos = pos;
      return;
    }
    closeBody();
    long end = Math.min(length, pos + Math.max(S3FileIO.READ_AHEAD, wanted));
    try {
      body =
          s3.getObject(
              GetObjectRequest.builder()
                  .bucket(location.bucket())
                  .key(location.key())
                  .range("bytes=" + pos + "-" + (end - 1))
                  .build());
    } catch (SdkException e) {
      throw StorageException.of(location.uri(), e);
    }
    bodyPos = pos;
    bodyEnd = end;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    return read(one, 0, 1) <= 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    if (pos >= length) {
      return -1;
    }
    if (body == null || pos != bodyPos || pos >= bodyEnd) {
      position(len);
    }
    int n = body.read(b, off, (int) Math.min(len, bodyEnd - pos));
    if (n < 0) {
      throw new EOFException("the object " + location + " ended early at byte " + pos);
    }
    pos += n;
    bodyPos += n;
    return n;
  }

  @Override
  public long getPos() {
    return pos;
  }

  @Override
  public void seek(long newPos) throws IOException {
    if (newPos < 0 || newPos > length) {
      throw new EOFException(
          "seek to " + newPos + " outside " + location + " of " + length + " bytes");
    }
    pos = newPos;
  }

  @Override
  public void readFully(byte[] b, int off, int len) throws IOException {
    int done = 0;
    while (done < len) {
      int n = read(b, off + done, len - done);
      if (n < 0) {
        throw new EOFException("end of " + location + " after " + done + " of " + len + " bytes");
      }
      done += n;
    }
  }

  private void closeBody() throws IOException {
    if (body != null) {
      if (bodyEnd - bodyPos > (64 << 10)) {
        body.abort(); // do not download what nobody reads
      }
      body.close();
      body = null;
    }
  }

  @Override
  public void close() throws IOException {
    closeBody();
  }
}
