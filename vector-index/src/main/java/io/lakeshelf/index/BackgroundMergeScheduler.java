package io.lakeshelf.index;

import java.io.IOException;
import org.apache.lucene.index.ConcurrentMergeScheduler;
import org.apache.lucene.index.MergePolicy.OneMerge;

/**
 * Lucene's concurrent merge scheduler, with merge threads that run at a lower scheduling priority
 * than the threads that search and ingest ({@link BackgroundPriority}). A merge of vector segments
 * builds their HNSW graph, seconds to minutes of one core's work; on a machine with few cores it
 * would otherwise take a core away from searches and from the ingest itself while an ingest runs
 * (in back-to-back runs of ServingBenchmark on two cores, the search p99 under ingest went from 4.5
 * to 3.5 times its idle p99 with this scheduler, and the ingest from 1,374 to 1,632 rows/s). With
 * it, the operating system runs merges on what searches and ingests leave: they finish as soon when
 * the machine is otherwise idle, later when it is not. Everything else (thread and merge counts,
 * stalling an ingest when merges fall far behind) is Lucene's own.
 */
final class BackgroundMergeScheduler extends ConcurrentMergeScheduler {

  @Override
  protected synchronized MergeThread getMergeThread(MergeSource mergeSource, OneMerge merge)
      throws IOException {
    MergeThread thread = new BackgroundMergeThread(mergeSource, merge);
    thread.setDaemon(true);
    thread.setName("Lucene Merge Thread #" + mergeThreadCounter++);
    return thread;
  }

  /** A merge thread that lowers its own priority before it merges. */
  private final class BackgroundMergeThread extends MergeThread {

    BackgroundMergeThread(MergeSource mergeSource, OneMerge merge) {
      super(mergeSource, merge);
    }

    @Override
    public void run() {
      BackgroundPriority.lowerCurrentThread();
      super.run();
    }
  }
}
