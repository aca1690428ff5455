package io.github.var4j.scale;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class ScaleScheduleTest {

  @Test
  void derivedQuantitiesOfThe256pxSchedule() {
    ScaleSchedule s = ScaleSchedule.px256();
    assertEquals(10, s.K());
    assertEquals(680, s.L());
    assertEquals(1, s.firstL());
    assertEquals(256, s.lastL());
    assertEquals(16, s.latentSide());
    assertArrayEquals(new int[] {0, 1, 5, 14, 30, 55, 91, 155, 255, 424, 680}, s.offsets());
    for (int k = 0; k < s.K(); k++) {
      assertEquals(s.pn(k) * s.pn(k), s.tokens(k));
      assertEquals(s.tokens(k), s.end(k) - s.begin(k));
    }
    assertEquals(2240, ScaleSchedule.px512().L());
    assertEquals(32, ScaleSchedule.px512().latentSide());
  }

  @Test
  void levelsNameTheScaleOfEveryToken() {
    assertArrayEquals(
        new int[] {0, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 2}, ScaleSchedule.of(1, 2, 3).levels());
  }

  @Test
  void badSchedulesNameTheProblem() {
    assertEquals(
        "patchNums must be strictly increasing, got [1, 3, 2]",
        assertThrows(IllegalArgumentException.class, () -> ScaleSchedule.of(1, 3, 2)).getMessage());
    assertEquals(
        "patchNums must be strictly increasing, got [1, 2, 2]",
        assertThrows(IllegalArgumentException.class, () -> ScaleSchedule.of(1, 2, 2)).getMessage());
    assertEquals(
        "patchNums must start at >= 1, got [0, 1]",
        assertThrows(IllegalArgumentException.class, () -> ScaleSchedule.of(0, 1)).getMessage());
    assertEquals(
        "patchNums must not be empty",
        assertThrows(IllegalArgumentException.class, () -> ScaleSchedule.of()).getMessage());
    assertEquals(
        "patchNums must end at the VAE latent size 8, got [1, 2, 4]",
        assertThrows(
                IllegalArgumentException.class, () -> ScaleSchedule.of(1, 2, 4).checkLatentSide(8))
            .getMessage());
  }

  @Test
  void valueSemanticsCopiesAndJson() throws Exception {
    int[] pn = {1, 2, 4};
    ScaleSchedule s = ScaleSchedule.of(pn);
    pn[0] = 9;
    s.toArray()[1] = 7;
    assertArrayEquals(new int[] {1, 2, 4}, s.toArray());
    assertEquals(ScaleSchedule.of(1, 2, 4), s);
    assertEquals(ScaleSchedule.of(1, 2, 4).hashCode(), s.hashCode());
    assertNotEquals(ScaleSchedule.of(1, 2, 3), s);
    assertEquals("[1, 2, 4]", s.toString());
    ObjectMapper json = new ObjectMapper();
    assertEquals("[1,2,4]", json.writeValueAsString(s));
    assertEquals(s, json.readValue("[1, 2, 4]", ScaleSchedule.class));
  }
}
