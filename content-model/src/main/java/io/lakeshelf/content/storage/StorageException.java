package io.lakeshelf.content.storage;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * A store refused or failed a request after the SDK's retries: the service answers 503 {@code
 * STORAGE_UNAVAILABLE} (or 422 when a table being registered cannot be reached), with {@link
 * #reason()} and the message saying which.
 */
public final class StorageException extends IOException {

  /** Why a request failed. */
  public enum Reason {
    /** The store did not answer in time, throttled past the retries, or failed on its side. */
    UNAVAILABLE,
    /** The credentials may not do this (or are not valid). */
    ACCESS_DENIED,
    /** The bucket does not exist. */
    NO_SUCH_BUCKET,
    /** The store refused the request for another reason. */
    REJECTED,
    /** The file system has no room left (ENOSPC) or the user's quota is spent (EDQUOT). */
    FULL
  }

  private final Reason reason;

  public StorageException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  public Reason reason() {
    return reason;
  }

  /**
   * The exception a failed SDK call on {@code location} becomes: {@link FileNotFoundException} for
   * a missing key, a {@code StorageException} otherwise.
   */
  public static IOException of(String location, SdkException e) {
    if (e instanceof S3Exception s3) {
      String code = s3.awsErrorDetails() == null ? null : s3.awsErrorDetails().errorCode();
      int status = s3.statusCode();
      if ("NoSuchBucket".equals(code)) {
        return new StorageException(
            Reason.NO_SUCH_BUCKET, "the bucket of " + location + " does not exist", e);
      }
      if (status == 404) {
        FileNotFoundException missing = new FileNotFoundException(location);
        missing.initCause(e);
        return missing;
      }
      if (status == 403 || status == 401) {
        return new StorageException(
            Reason.ACCESS_DENIED,
            "access to " + location + " was denied (" + (code == null ? status : code) + ")",
            e);
      }
      if (status == 429 || status >= 500) {
        return new StorageException(
            Reason.UNAVAILABLE,
            "the store failed on "
                + location
                + " ("
                + status
                + (code == null ? "" : " " + code)
                + ")",
            e);
      }
      return new StorageException(
          Reason.REJECTED,
          "the store refused a request on "
              + location
              + " ("
              + status
              + (code == null ? "" : " " + code)
              + ")",
          e);
    }
    if (e instanceof SdkClientException) {
      return new StorageException(
          Reason.UNAVAILABLE,
          "the store could not be reached for " + location + ": " + e.getMessage(),
          e);
    }
    return new StorageException(
        Reason.UNAVAILABLE, "the store failed on " + location + ": " + e.getMessage(), e);
  }

  /**
   * The first {@code StorageException} in a cause chain, if any; a local file system's "no space
   * left on device" or "disk quota exceeded" anywhere in the chain (as the JDK reports ENOSPC and
   * EDQUOT, whichever layer wrapped it) is one of {@link Reason#FULL}.
   */
  public static Optional<StorageException> find(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof StorageException s) {
        return Optional.of(s);
      }
      if (c instanceof IOException io && isFull(io)) {
        return Optional.of(
            new StorageException(Reason.FULL, "no space left: " + io.getMessage(), io));
      }
      if (c instanceof SdkException sdk && !(c.getCause() instanceof SdkException)) {
        IOException io = of("a table", sdk);
        return io instanceof StorageException s ? Optional.of(s) : Optional.empty();
      }
      if (c.getCause() == c) {
        break;
      }
    }
    return Optional.empty();
  }

  private static boolean isFull(IOException e) {
    String m = e.getMessage();
    if (m == null && e instanceof FileSystemException fs) {
      m = fs.getReason();
    }
    if (m == null) {
      return false;
    }
    String lower = m.toLowerCase(Locale.ROOT);
    return lower.contains("no space left on device")
        || lower.contains("disk quota exceeded")
        || lower.contains("not enough space on the disk");
  }
}
