package io.lakeshelf.content.storage;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Immutable objects under one root, on a local directory or an object-store prefix: what a shared
 * catalog needs of storage, and no more. Keys are relative, {@code /}-separated paths without
 * {@code .} or {@code ..} segments. Objects are never changed once written; the only conditional
 * write is {@link #createIfAbsent}, which exactly one of several racing writers wins (S3 {@code
 * If-None-Match: *}; a hard link on a file system), so that coordination built on it holds on any
 * store that offers put-if-absent.
 *
 * <p>Implementations: {@link LocalBlobStore}, {@link S3BlobStore}; both pass the same contract
 * suite.
 */
public interface BlobStore {

  /** A stored object: its key, its length and when it was written. */
  record Entry(String key, long size, Instant modified) {
    public Entry {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(modified, "modified");
      if (size < 0) {
        throw new IllegalArgumentException("size must be at least 0");
      }
    }
  }

  /** Where the root is, as a location string ({@code s3://bucket/prefix} or a directory). */
  String location();

  /** The object's bytes, or empty when there is none. */
  Optional<byte[]> read(String key) throws IOException;

  /** Whether an object has this key. */
  boolean exists(String key) throws IOException;

  /**
   * Writes an object only if none has the key: true when this call wrote it, false when an object
   * was there already (its content is left as it was). A reader sees the whole object or none.
   */
  boolean createIfAbsent(String key, byte[] content) throws IOException;

  /** Writes an object, replacing any with the key; a reader sees the old or the new, whole. */
  void put(String key, byte[] content) throws IOException;

  /** Uploads a file as an object, replacing any with the key; visible only once complete. */
  void upload(String key, Path file) throws IOException;

  /**
   * Downloads an object into {@code file} (replaced), forced to disk.
   *
   * @throws java.io.FileNotFoundException when no object has the key
   */
  void download(String key, Path file) throws IOException;

  /** Every object whose key starts with {@code prefix} (at any depth), sorted by key. */
  List<Entry> list(String prefix) throws IOException;

  /** Deletes an object; no error when there is none. */
  void delete(String key) throws IOException;

  /** Checks a key: relative, {@code /}-separated, no empty, {@code .} or {@code ..} segments. */
  static String checkKey(String key) {
    Objects.requireNonNull(key, "key");
    if (key.isEmpty() || key.startsWith("/") || key.endsWith("/") || key.contains("\\")) {
      throw new IllegalArgumentException("not a blob key: '" + key + "'");
    }
    for (String segment : key.split("/", -1)) {
      if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
        throw new IllegalArgumentException("not a blob key: '" + key + "'");
      }
    }
    return key;
  }

  /**
   * The store at {@code location}: an {@code s3://} (or {@code s3a://}) prefix through {@code s3},
   * else a local directory (a path or a {@code file:} URI).
   */
  static BlobStore at(
      String location,
      java.util.function.Supplier<software.amazon.awssdk.services.s3.S3Client> s3) {
    if (S3Location.isS3(location)) {
      return new S3BlobStore(s3.get(), S3Location.parse(location));
    }
    Path dir =
        location.startsWith("file:") ? Path.of(java.net.URI.create(location)) : Path.of(location);
    return new LocalBlobStore(dir);
  }
}
