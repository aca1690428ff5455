package io.github.var4j.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class SoakCommandTest {
  @Test
  void slopeIsMegabytesPerThousandSteps() {
    // RSS = 500 MB + 2 MB per 1000 steps, exactly
    List<SoakCommand.Point> line =
        List.of(
            new SoakCommand.Point(100, 500.2, 0),
            new SoakCommand.Point(600, 501.2, 0),
            new SoakCommand.Point(1100, 502.2, 0));
    assertEquals(2.0, SoakCommand.slopePer1000(line), 1e-9);
    List<SoakCommand.Point> flat =
        List.of(new SoakCommand.Point(0, 600, 0), new SoakCommand.Point(50, 600, 0));
    assertEquals(0.0, SoakCommand.slopePer1000(flat), 0.0);
    assertTrue(Double.isNaN(SoakCommand.slopePer1000(List.of(new SoakCommand.Point(0, 1, 0)))));
  }
}
