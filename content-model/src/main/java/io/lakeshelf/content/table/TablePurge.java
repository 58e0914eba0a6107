package io.lakeshelf.content.table;

import io.delta.kernel.data.ColumnVector;
import io.delta.kernel.data.ColumnarBatch;
import io.delta.kernel.defaults.engine.fileio.FileIO;
import io.delta.kernel.types.StringType;
import io.delta.kernel.types.StructType;
import io.delta.kernel.utils.CloseableIterator;
import io.delta.kernel.utils.FileStatus;
import io.lakeshelf.content.kernel.KernelInternals;
import io.lakeshelf.content.storage.DataFileResolver;
import io.lakeshelf.content.storage.StorageEngine;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.URI;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes a table's own files and nothing else: the data files its log names (live ones, and those
 * its commits and checkpoints still list as added or removed), then the files of its {@code
 * _delta_log}, then, on a local disk, the directories this leaves empty up to the table's root. A
 * file the log does not name (another program's, a foreign directory beside the table or inside it)
 * survives, and so does every directory that still holds one.
 */
public final class TablePurge {

  private static final Logger log = LoggerFactory.getLogger(TablePurge.class);

  private static final StructType PATHS =
      new StructType()
          .add("add", new StructType().add("path", StringType.STRING))
          .add("remove", new StructType().add("path", StringType.STRING));

  private TablePurge() {}

  /** What a purge deleted. */
  public record Purged(int dataFiles, int logFiles) {}

  /**
   * Deletes the files of the table at this snapshot's location (the snapshot is its latest
   * version).
   */
  public static Purged purge(StorageEngine engine, TableSnapshot latest) throws IOException {
    FileIO fileIO = engine.fileIO();
    String root = latest.location();
    String logDir = (root.endsWith("/") ? root : root + "/") + "_delta_log/";
    List<FileStatus> logFiles = new ArrayList<>();
    // ' ' sorts before every character a log file's name starts with (digits, '.', '_').
    try (CloseableIterator<FileStatus> listed = fileIO.listFrom(logDir + " ")) {
      while (listed.hasNext()) {
        FileStatus f = listed.next();
        if (f.getPath().startsWith(logDir)) {
          logFiles.add(f);
        }
      }
    } catch (FileNotFoundException e) {
      return new Purged(0, 0);
    }
    Set<String> named = new LinkedHashSet<>(latest.liveFiles().keySet());
    List<FileStatus> commits =
        logFiles.stream().filter(f -> f.getPath().endsWith(".json")).toList();
    List<FileStatus> checkpoints =
        logFiles.stream().filter(f -> f.getPath().endsWith(".parquet")).toList();
    if (!commits.isEmpty()) {
      try (CloseableIterator<ColumnarBatch> batches =
          engine
              .getJsonHandler()
              .readJsonFiles(
                  KernelInternals.iterator(commits.iterator()), PATHS, Optional.empty())) {
        batches.forEachRemaining(b -> collect(b, named));
      }
    }
    if (!checkpoints.isEmpty()) {
      try (CloseableIterator<ColumnarBatch> batches =
          engine
              .getParquetHandler()
              .readParquetFiles(
                  KernelInternals.iterator(checkpoints.iterator()), PATHS, Optional.empty())
              .map(r -> r.getData())) {
        batches.forEachRemaining(b -> collect(b, named));
      }
    }
    DataFileResolver files = new DataFileResolver(root);
    Set<Path> dirs = new LinkedHashSet<>();
    int dataFiles = 0;
    for (String path : named) {
      URI uri = files.resolve(path);
      String rootLocation = DataFileResolver.storageLocation(files.root());
      if (!DataFileResolver.storageLocation(uri.normalize())
          .startsWith(rootLocation.endsWith("/") ? rootLocation : rootLocation + "/")) {
        // An absolute path into another location (a shallow clone's source): not this table's file.
        log.info("Purge of {} keeps {}: it lies outside the table", root, uri);
        continue;
      }
      String location = DataFileResolver.storageLocation(uri);
      if (fileIO.delete(location)) {
        dataFiles++;
      }
      if ("file".equals(uri.getScheme())) {
        dirs.add(Path.of(uri).getParent());
      }
    }
    int deletedLog = 0;
    for (FileStatus f : logFiles) {
      try {
        if (fileIO.delete(f.getPath())) {
          deletedLog++;
        }
      } catch (DirectoryNotEmptyException e) {
        // a directory inside the log (_sidecars) that still holds files the log did not list
      }
    }
    if ("file".equals(files.root().getScheme())) {
      Path tableDir = Path.of(files.root());
      dirs.add(tableDir.resolve("_delta_log").resolve("_sidecars"));
      dirs.add(tableDir.resolve("_delta_log"));
      for (Path dir : dirs) {
        for (Path d = dir; d != null && d.startsWith(tableDir); d = d.getParent()) {
          if (!deleteIfEmpty(d)) {
            break;
          }
        }
      }
    }
    log.info(
        "Purged table {}: {} data files and {} log files deleted", root, dataFiles, deletedLog);
    return new Purged(dataFiles, deletedLog);
  }

  private static void collect(ColumnarBatch batch, Set<String> named) {
    for (int c = 0; c < 2; c++) {
      ColumnVector path = batch.getColumnVector(c).getChild(0);
      ColumnVector action = batch.getColumnVector(c);
      for (int i = 0; i < batch.getSize(); i++) {
        if (!action.isNullAt(i) && !path.isNullAt(i)) {
          named.add(path.getString(i));
        }
      }
    }
  }

  private static boolean deleteIfEmpty(Path dir) {
    try {
      return Files.deleteIfExists(dir);
    } catch (DirectoryNotEmptyException e) {
      return false;
    } catch (IOException e) {
      log.warn("Cannot remove directory {}: {}", dir, e.toString());
      return false;
    }
  }
}
