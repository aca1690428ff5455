package io.github.var4j.app;

import static org.junit.jupiter.api.Assertions.*;

import io.github.var4j.sample.Masks;
import io.github.var4j.sample.SampleOptions;
import io.github.var4j.sample.SampleResult;
import io.github.var4j.sample.VarSampler;
import io.github.var4j.sample.ZeroShot;
import io.github.var4j.scale.ScaleSchedule;
import io.github.var4j.testutil.Fixtures;
import io.github.var4j.transformer.TinyVar;
import io.github.var4j.viz.Images;
import io.github.var4j.viz.ValueRange;
import java.awt.image.BufferedImage;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The sampling figures on the tiny fixture models: layout, content and the coarse-to-fine invariant. */
class SampleFiguresTest {
  private static VarSampler sampler;

  @BeforeAll
  static void build() {
    sampler = VarSampler.load(TinyVar.config(), TinyVar.params(), TinyVar.vqVaeConfig(),
        Fixtures.stateDict("params/vae"));
  }

  @AfterAll
  static void close() {
    sampler.close();
  }

  @Test
  void coarseToFineEndsWithTheSample() {
    SampleResult r = sampler.sample(new int[] {3, 7}, SampleOptions.defaults().withSeed(1));
    List<BufferedImage> seq = SampleFigures.decodedUpToEachScale(sampler, r, 1);
    assertEquals(4, seq.size());
    BufferedImage last = seq.get(3), img = SampleFigures.image(r, 1);
    for (int y = 0; y < 8; y++) {
      for (int x = 0; x < 8; x++) {
        int a = last.getRGB(x, y), b = img.getRGB(x, y);
        for (int sh = 0; sh <= 16; sh += 8) assertTrue(Math.abs((a >> sh & 255) - (b >> sh & 255)) <= 1);
      }
    }
    BufferedImage strip = SampleFigures.coarseToFine(sampler, r, new int[] {0, 1}, List.of("a", "b", "c", "d", "e",
        "f", "g", "h", "i", "j"), 4);
    assertTrue(strip.getWidth() >= 4 * 32 && strip.getHeight() >= 2 * 32, strip.getWidth() + "x" + strip.getHeight());
  }

  @Test
  void gridsHaveOneTilePerSample() {
    SampleResult r = sampler.sampleClasses(2, SampleOptions.defaults().withSeed(3));
    BufferedImage g = SampleFigures.classGrid(r, 2, null, 2);
    assertTrue(g.getWidth() >= 2 * 16 && g.getHeight() >= 10 * 16);
    BufferedImage sweep = SampleFigures.cfgSweep(sampler, new int[] {1, 2}, new double[] {0, 1.5, 4},
        SampleOptions.defaults().withSeed(4), null, 2);
    assertTrue(sweep.getWidth() >= 3 * 16 && sweep.getHeight() >= 2 * 16);
    BufferedImage tk = SampleFigures.topKTopPGrid(sampler, 5, new int[] {0, 8, 0}, new double[] {0, 0, 0.9}, 3,
        SampleOptions.defaults(), 2);
    assertTrue(tk.getWidth() >= 3 * 16 && tk.getHeight() >= 3 * 16);
    BufferedImage maps = SampleFigures.tokenMaps(sampler, r, new int[] {0, 19}, 4);
    assertTrue(maps.getWidth() >= 4 * 16);
    assertEquals("perClass must divide the number of images 20, got 3",
        assertThrows(IllegalArgumentException.class, () -> SampleFigures.classGrid(r, 3, null, 1)).getMessage());
  }

  @Test
  void maskOverlayTintsOnlyTheRegeneratedCells() {
    float[] x = Fixtures.nchwToNhwc(Fixtures.npy("vae/img_B3HW.npy"));
    BufferedImage img = Images.fromNHWC(x, 0, 8, 8, 3, ValueRange.MINUS_ONE_ONE);
    float[] keep = Masks.invert(Masks.box(4, 0, 0.5, 0, 0.5)); // top-left 2x2 cells regenerated
    BufferedImage o = SampleFigures.maskOverlay(img, keep, 4);
    for (int y = 0; y < 8; y++) {
      for (int xx = 0; xx < 8; xx++) {
        boolean edited = y < 4 && xx < 4;
        int a = img.getRGB(xx, y) & 0xFFFFFF, b = o.getRGB(xx, y) & 0xFFFFFF;
        if (edited) {
          assertEquals(((a >> 16 & 255) + 0xFF) / 2, b >> 16 & 255);
        } else {
          assertEquals(a, b);
        }
      }
    }
    List<int[]> gt = sampler.encodeToIndices(x, 2);
    SampleResult e = ZeroShot.inpaint(sampler, ZeroShot.repeat(gt, 2, 3, ScaleSchedule.of(1, 2, 3, 4)), 6, keep,
        SampleOptions.defaults());
    BufferedImage panel = SampleFigures.editPanels(List.of(img, Images.fromNHWC(x, 1, 8, 8, 3,
        ValueRange.MINUS_ONE_ONE)), keep, 4, e, 3, "in-painting", 4);
    assertTrue(panel.getWidth() >= 5 * 32 && panel.getHeight() >= 2 * 32);
  }
}
