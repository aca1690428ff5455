package io.github.var4j.train;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Progress lines on a non-terminal stream, and the live bar (me.tongfei progressbar) drawn on a
 * captured stream.
 */
class ProgressTest {
  /**
   * One log line: step count, percentage, metrics, speed, elapsed time and ETA ("?" before the
   * first step).
   */
  private static final Pattern LINE =
      Pattern.compile(
          "\\[tokenizer] step \\d+/100 \\(\\d+\\.\\d%\\) \\| loss [0-9.]+ "
              + "\\| psnr [0-9.]+ \\| [0-9.]+ it/s \\| elapsed \\d+s \\| eta (\\d+s|\\?)");

  /** The library's bar after some steps: "done/total (elapsed / eta) speed". */
  private static final Pattern BAR_ETA =
      Pattern.compile("[1-9]\\d*/40 \\(\\d+:\\d\\d:\\d\\d / \\d+:\\d\\d:\\d\\d\\)");

  private static Map<String, Double> metrics(long step) {
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("loss", 1.0 / step);
    m.put("psnr", 20.0 + step / 10.0);
    return m;
  }

  @Test
  void printsPlainLinesWithStepCountAndEtaOnANonTerminalStream() {
    var buf = new ByteArrayOutputStream();
    var out = new PrintStream(buf, true, StandardCharsets.UTF_8);
    var p = new Progress("tokenizer", 0, 100, 25, out);
    int printed = 0;
    for (long step = 1; step <= 100; step++) {
      if (p.update(step, metrics(step))) printed++;
    }
    p.close();
    String s = buf.toString(StandardCharsets.UTF_8);
    assertEquals(4, printed, "steps 25, 50, 75, 100");
    String[] lines = s.split("\n");
    assertEquals(4, lines.length, s);
    for (String line : lines) assertTrue(LINE.matcher(line).matches(), line);
    assertTrue(
        lines[0].startsWith("[tokenizer] step 25/100 (25.0%) | loss 0.04000 | psnr 22.50 | "),
        lines[0]);
    assertTrue(lines[3].startsWith("[tokenizer] step 100/100 (100.0%)"), lines[3]);
    assertTrue(lines[3].endsWith("| eta 0s"), lines[3]);
    assertFalse(
        s.contains("\r") || s.contains("\u001b"),
        "no carriage returns or ANSI codes off a terminal");
  }

  @Test
  void lastStepPrintsEvenOffTheInterval() {
    var buf = new ByteArrayOutputStream();
    var p =
        new Progress("tokens test", 0, 10, 4, new PrintStream(buf, true, StandardCharsets.UTF_8));
    assertFalse(p.update(3, Map.of()));
    assertTrue(p.update(4, Map.of()));
    assertTrue(p.update(10, Map.of()));
    String s = buf.toString(StandardCharsets.UTF_8);
    assertTrue(s.startsWith("[tokens test] step 4/10 (40.0%) | "), s);
    assertTrue(s.contains("\n[tokens test] step 10/10 (100.0%) | "), s);
  }

  @Test
  void resumedRunHasNoEtaBeforeItsFirstStep() {
    var p = new Progress("var", 50, 100, 10, new PrintStream(new ByteArrayOutputStream()));
    assertTrue(
        p.line(50, Map.of()).endsWith("| 0.00 it/s | elapsed 0s | eta ?"), p.line(50, Map.of()));
  }

  @Test
  void liveBarIsDrawnInPlaceWithAnEtaAndRemovedAtTheLastStep() throws InterruptedException {
    var buf = new ByteArrayOutputStream();
    var out = new PrintStream(buf, true, StandardCharsets.UTF_8);
    var p = new Progress("bar", 0, 40, 40, out, true, 80);
    for (long step = 1; step <= 40; step++) {
      Thread.sleep(
          60); // 2.4 s: the bar is redrawn at least once after the first steps (every second)
      p.update(step, Map.of("loss", 0.5));
    }
    p.close(); // already closed by the last step: a no-op
    String s = buf.toString(StandardCharsets.UTF_8);
    assertFalse(s.contains("\u001b"), "ASCII style, no ANSI codes");
    assertTrue(BAR_ETA.matcher(s).find(), s);
    assertTrue(
        s.contains("/40 (0:00:0") && s.contains("/s loss 0.5000"),
        "a redraw with the first metric: " + s);
    assertTrue(s.contains("[bar] step 40/40 (100.0%) | loss 0.5000 | "), s);
    assertEquals(
        1,
        s.chars().filter(c -> c == '\n').count(),
        "one line, the bar only redrawn in place: " + s);
    for (String part : s.split("[\r\n]")) {
      if (!part.startsWith("[bar]"))
        assertTrue(part.length() <= 79, "bar fits 80 columns: '" + part + "'");
    }
    // what the terminal shows below the line: nothing (the bar was blanked before the line was
    // printed)
    assertEquals("", s.substring(s.lastIndexOf('\n') + 1));
  }

  @Test
  void barLineBlanksTheBarForALineAndDropsRedrawsUntilALaterStep() {
    var buf = new ByteArrayOutputStream();
    var line = new Progress.BarLine(new PrintStream(buf, true, StandardCharsets.UTF_8), 10, 0);
    line.stepTo(4);
    line.accept("bar 4/9");
    line.printLine("[x] step 4/9", 4);
    line.accept(
        "bar 4/9 b"); // a redraw before the next step: dropped, the caller may print a line of its
    // own
    line.stepTo(5);
    line.accept("bar 5/9");
    line.accept("b 5/9"); // shorter: padded over the longer one
    line.clear();
    line.close();
    assertEquals(
        "\rbar 4/9\r       \r[x] step 4/9\n\rbar 5/9\rb 5/9  \r     \r",
        buf.toString(StandardCharsets.UTF_8));
  }

  @Test
  void rejectsANonPositiveInterval() {
    assertThrows(IllegalArgumentException.class, () -> new Progress("x", 0, 10, 0, System.out));
  }

  @Test
  void formatsDurations() {
    assertEquals("1h02m05s", Progress.duration(3725.0));
    assertEquals("1m05s", Progress.duration(65.4));
    assertEquals("59s", Progress.duration(59.4));
    assertEquals("?", Progress.duration(Double.NaN));
    assertEquals("?", Progress.duration(Double.POSITIVE_INFINITY));
  }
}
