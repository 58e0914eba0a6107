package io.lakeshelf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The two ways progress is shown: a bar redrawn in place, and plain lines. */
class ProgressTest {

  @Test
  void aBarIsRedrawnInPlaceAndEndsItsLine() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream err = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    Progress p = new Progress("ingest", 100, 0, Progress.Style.BAR, err);
    p.update(50);
    p.message("lakeshelf-cli: retrying");
    p.update(100);
    p.finish();
    String out = bytes.toString(StandardCharsets.UTF_8);
    assertThat(out)
        .startsWith(
            "\r\033[Kingest [" + "=".repeat(15) + ">" + " ".repeat(14) + "] 50/100 rows (50%), ")
        .contains("\r\033[Klakeshelf-cli: retrying\n")
        .contains("ingest [" + "=".repeat(30) + "] 100/100 rows (100%), ")
        .contains("ETA 0:00")
        .endsWith("\n");
  }

  @Test
  void linesComeEveryTenth() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream err = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    Progress p = new Progress("ingest", 1000, 300, Progress.Style.LINES, err);
    for (int done = 350; done <= 1000; done += 50) {
      p.update(done);
    }
    p.finish();
    assertThat(bytes.toString(StandardCharsets.UTF_8).lines())
        .hasSize(7)
        .allMatch(
            l -> l.matches("ingest: \\d+/1000 rows \\(\\d+%\\), \\d+ rows/s, ETA \\d+:\\d\\d"))
        .first()
        .asString()
        .startsWith("ingest: 400/1000 rows (40%)");
  }

  @Test
  void clock() {
    assertThat(Progress.clock(4)).isEqualTo("0:04");
    assertThat(Progress.clock(754)).isEqualTo("12:34");
    assertThat(Progress.clock(3723)).isEqualTo("1:02:03");
  }
}
