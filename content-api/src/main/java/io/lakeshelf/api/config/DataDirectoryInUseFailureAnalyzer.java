package io.lakeshelf.api.config;

import io.lakeshelf.api.catalog.DataDirectoryLock.DataDirectoryInUseException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Start-up refused because another process holds the data directory: says who, and what to do. */
public final class DataDirectoryInUseFailureAnalyzer
    extends AbstractFailureAnalyzer<DataDirectoryInUseException> {

  @Override
  protected FailureAnalysis analyze(Throwable rootFailure, DataDirectoryInUseException cause) {
    return new FailureAnalysis(
        cause.getMessage(),
        "Stop the other process, or start this one with another --lakeshelf.data-dir.",
        cause);
  }
}
