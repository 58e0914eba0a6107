package io.lakeshelf.content.storage;

import io.delta.kernel.defaults.engine.DefaultEngine;
import io.delta.kernel.engine.Engine;
import java.util.Map;

/** The Delta Kernel engines Lakeshelf reads and writes tables with. */
public final class TableEngines {

  private TableEngines() {}

  /** An engine for tables on the local file system, through {@link LocalFileIO}. */
  public static Engine local() {
    return DefaultEngine.create(new LocalFileIO(Map.of()));
  }
}
