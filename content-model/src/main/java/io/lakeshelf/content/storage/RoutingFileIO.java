package io.lakeshelf.content.storage;

import io.delta.kernel.defaults.engine.fileio.FileIO;
import io.delta.kernel.defaults.engine.fileio.InputFile;
import io.delta.kernel.defaults.engine.fileio.OutputFile;
import io.delta.kernel.utils.CloseableIterator;
import io.delta.kernel.utils.FileStatus;
import java.io.IOException;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Kernel's file layer for tables anywhere: {@code s3://} and {@code s3a://} paths go to S3,
 * everything else to the local file system. The S3 side is made on first use, so a deployment with
 * local tables only never builds an S3 client.
 */
final class RoutingFileIO implements FileIO {

  private final FileIO local;
  private final Supplier<FileIO> s3;

  RoutingFileIO(FileIO local, Supplier<FileIO> s3) {
    this.local = Objects.requireNonNull(local, "local");
    this.s3 = Objects.requireNonNull(s3, "s3");
  }

  private FileIO route(String path) {
    return S3Location.isS3(path) ? s3.get() : local;
  }

  @Override
  public CloseableIterator<FileStatus> listFrom(String filePath) throws IOException {
    return route(filePath).listFrom(filePath);
  }

  @Override
  public FileStatus getFileStatus(String path) throws IOException {
    return route(path).getFileStatus(path);
  }

  @Override
  public String resolvePath(String path) throws IOException {
    return route(path).resolvePath(path);
  }

  @Override
  public boolean mkdirs(String path) throws IOException {
    return route(path).mkdirs(path);
  }

  @Override
  public InputFile newInputFile(String path, long fileSize) {
    return route(path).newInputFile(path, fileSize);
  }

  @Override
  public OutputFile newOutputFile(String path) {
    return route(path).newOutputFile(path);
  }

  @Override
  public boolean delete(String path) throws IOException {
    return route(path).delete(path);
  }

  @Override
  public Optional<String> getConf(String confKey) {
    return local.getConf(confKey);
  }

  @Override
  public void copyFileAtomically(String srcPath, String destPath, boolean overwrite)
      throws IOException {
    route(destPath).copyFileAtomically(srcPath, destPath, overwrite);
  }
}
