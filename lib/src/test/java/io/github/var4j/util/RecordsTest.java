package io.github.var4j.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class RecordsTest {
  record Box(int w, long h, double scale, String name) {
    Box {
      if (w <= 0) throw new IllegalArgumentException("w must be positive, got " + w);
    }
  }

  @Test
  void copiesWithChangedComponentsAndValidatesAgain() {
    Box b = new Box(2, 3L, 0.5, "a");
    assertEquals(new Box(7, 3L, 0.5, "b"), Records.with(b, "w", 7, "name", "b"));
    assertEquals(
        new Box(2, 9L, 0.5, "a"), Records.with(b, "h", 9), "an int widens to a long component");
    assertEquals(b, Records.with(b));
    assertEquals(
        "w must be positive, got 0",
        assertThrows(IllegalArgumentException.class, () -> Records.with(b, "w", 0)).getMessage());
    assertEquals(
        "Box has no component 'depth' (it has [w, h, scale, name])",
        assertThrows(IllegalArgumentException.class, () -> Records.with(b, "depth", 1))
            .getMessage());
    assertEquals(
        "expected component/value pairs, got 1 values",
        assertThrows(IllegalArgumentException.class, () -> Records.with(b, "w")).getMessage());
  }
}
