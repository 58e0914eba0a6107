package io.lakeshelf.content.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.apache.parquet.hadoop.metadata.FileMetaData;
import org.apache.parquet.hadoop.metadata.ParquetMetadata;
import org.apache.parquet.schema.MessageType;
import org.junit.jupiter.api.Test;

/** The one footer cache: tails bounded by bytes, parsed footers by count, one LRU order. */
class FileTailCacheTest {

  private static FileTail tail(int bytes) {
    return new FileTail(1000, 1000 - bytes, new byte[bytes]);
  }

  private static ParquetMetadata footer() {
    return new ParquetMetadata(new FileMetaData(new MessageType("m"), Map.of(), "test"), List.of());
  }

  @Test
  void leastRecentlyUsedTailsLeaveOnceTheBytesPassTheBound() {
    FileTailCache cache = new FileTailCache(250);
    cache.put("a", tail(100), footer());
    cache.put("b", tail(100), footer());
    cache.get("a");
    cache.put("c", tail(100), footer());

    assertThat(cache.get("a")).isPresent();
    assertThat(cache.get("b")).isEmpty();
    assertThat(cache.footer("b")).isEmpty();
    assertThat(cache.get("c")).isPresent();
  }

  @Test
  void tailsLargerThanTheBoundAreNotKept() {
    FileTailCache cache = new FileTailCache(50);
    cache.put("a", tail(100), footer());

    assertThat(cache.get("a")).isEmpty();
    assertThat(cache.footer("a")).isEmpty();
    assertThat(new FileTailCache(0).get("a")).isEmpty();
  }

  @Test
  void onlyTheMostRecentlyUsedTailsKeepTheirParsedFooter() {
    FileTailCache cache = new FileTailCache(1 << 20, 2);
    ParquetMetadata a = footer();
    cache.put("a", tail(10), a);
    cache.put("b", tail(10), footer());
    cache.footer("a");
    cache.put("c", tail(10), footer());

    assertThat(cache.footer("a")).containsSame(a);
    assertThat(cache.footer("b")).isEmpty();
    assertThat(cache.get("b")).isPresent();
    assertThat(cache.footer("c")).isPresent();

    cache.putFooter("b", footer());
    assertThat(cache.footer("b")).isPresent();
    assertThat(cache.footer("a")).isEmpty();
    assertThat(cache.footer("c")).isPresent();
  }

  @Test
  void aFooterIsKeptOnlyWithItsTail() {
    FileTailCache cache = new FileTailCache(1 << 20);
    cache.putFooter("a", footer());
    assertThat(cache.footer("a")).isEmpty();

    cache.put("a", tail(10));
    assertThat(cache.footer("a")).isEmpty();
    cache.putFooter("a", footer());
    assertThat(cache.footer("a")).isPresent();

    cache.clear();
    assertThat(cache.get("a")).isEmpty();
    assertThat(cache.footer("a")).isEmpty();
  }
}
