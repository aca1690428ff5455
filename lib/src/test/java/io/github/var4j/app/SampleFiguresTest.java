package io.github.var4j.sample;

import static org.junit.jupiter.api.Assertions.*;

import io.github.var4j.app.SampleFigures;
import io.github.var4j.testutil.Fixtures;
import io.github.var4j.testutil.TinyFixture;
import io.github.var4j.viz.Images;
import io.github.var4j.viz.ValueRange;
import java.awt.image.BufferedImage;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The sampling figures on the tiny fixture models: layout, content and the coarse-to-fine
 * invariant.
 */
class SampleFiguresTest {
  private static final TinyFixture T = TinyFixture.get();

  /** Fixture images, scales, image side, last (mask) side, classes. */
  private static final int B = T.B(),
      K = T.K(),
      PX = T.imageSize(),
      SIDE = T.latentSide(),
      NC = T.numClasses();

  private static VarSampler sampler;

  @BeforeAll
  static void build() {
    sampler =
        VarSampler.load(
            T.varConfig(), TinyFixture.varParams(), T.vqVaeConfig(), TinyFixture.vaeParams());
  }

  @AfterAll
  static void close() {
    sampler.close();
  }

  @Test
  void coarseToFineEndsWithTheSample() {
    SampleResult r = sampler.sample(T.labels(), SampleOptions.defaults().withSeed(1));
    int which = B - 1; // the last image
    List<BufferedImage> seq = SampleFigures.decodedUpToEachScale(sampler, r, which);
    assertEquals(K, seq.size());
    BufferedImage last = seq.get(K - 1), img = SampleFigures.image(r, which);
    for (int y = 0; y < PX; y++) {
      for (int x = 0; x < PX; x++) {
        int a = last.getRGB(x, y), b = img.getRGB(x, y);
        for (int sh = 0; sh <= 16; sh += 8)
          assertTrue(Math.abs((a >> sh & 255) - (b >> sh & 255)) <= 1);
      }
    }
    List<String> names =
        java.util.stream.IntStream.range(0, NC).mapToObj(c -> "class " + c).toList();
    BufferedImage strip = SampleFigures.coarseToFine(sampler, r, new int[] {0, which}, names, 4);
    // one row per selected image, one column per scale, each tile at least the image scaled 4x
    assertTrue(
        strip.getWidth() >= K * 4 * PX && strip.getHeight() >= 2 * 4 * PX,
        strip.getWidth() + "x" + strip.getHeight());
  }

  @Test
  void gridsHaveOneTilePerSample() {
    SampleResult r =
        sampler.sampleClasses(2, SampleOptions.defaults().withSeed(3)); // 2 per class, class-major
    int tile = 2 * PX; // tiles at scale 2
    BufferedImage g = SampleFigures.classGrid(r, 2, null, 2);
    assertTrue(g.getWidth() >= 2 * tile && g.getHeight() >= NC * tile);
    BufferedImage sweep =
        SampleFigures.cfgSweep(
            sampler,
            new int[] {0, NC - 1},
            new double[] {0, T.cfg(), 4},
            SampleOptions.defaults().withSeed(4),
            null,
            2);
    assertTrue(sweep.getWidth() >= 3 * tile && sweep.getHeight() >= 2 * tile);
    BufferedImage tk =
        SampleFigures.topKTopPGrid(
            sampler,
            NC / 2,
            new int[] {0, 8, 0},
            new double[] {0, 0, 0.9},
            3,
            SampleOptions.defaults(),
            2);
    assertTrue(tk.getWidth() >= 3 * tile && tk.getHeight() >= 3 * tile);
    BufferedImage maps = SampleFigures.tokenMaps(sampler, r, new int[] {0, r.n() - 1}, 4);
    assertTrue(maps.getWidth() >= K * SIDE * 4); // one column per scale, each pn_last cells of 4 px
    // 2·NC images: perClass 2·NC + 1 does not divide them
    assertEquals(
        "perClass must divide the number of images " + r.n() + ", got " + (r.n() + 1),
        assertThrows(
                IllegalArgumentException.class,
                () -> SampleFigures.classGrid(r, r.n() + 1, null, 1))
            .getMessage());
  }

  @Test
  void maskOverlayTintsOnlyTheRegeneratedCells() {
    float[] x = Fixtures.nchwToNhwc(Fixtures.npy("vae/img_B3HW.npy"));
    int ch = TinyFixture.imageChannels();
    BufferedImage img = Images.fromNHWC(x, 0, PX, PX, ch, ValueRange.MINUS_ONE_ONE);
    // the top-left quarter of the cells regenerated (at least one cell: the whole map when the
    // latent is 1x1, whose quarter rounds to nothing)
    float[] box = Masks.box(SIDE, 0, 0.5, 0, 0.5);
    if (!hasOne(box)) box[0] = 1f;
    float[] keep = Masks.invert(box);
    BufferedImage o = SampleFigures.maskOverlay(img, keep, SIDE);
    int edits = 0;
    for (int y = 0; y < PX; y++) {
      for (int xx = 0; xx < PX; xx++) {
        // the cell of a pixel: PX / SIDE pixels per cell (the VAE's downsampling)
        boolean edited = keep[(y * SIDE / PX) * SIDE + xx * SIDE / PX] < 0.5f;
        if (edited) edits++;
        int a = img.getRGB(xx, y) & 0xFFFFFF, b = o.getRGB(xx, y) & 0xFFFFFF;
        if (edited) {
          assertEquals(((a >> 16 & 255) + 0xFF) / 2, b >> 16 & 255);
        } else {
          assertEquals(a, b);
        }
      }
    }
    assertTrue(edits > 0 && (SIDE == 1 || edits < PX * PX), "tinted pixels " + edits);
    List<int[]> gt = sampler.encodeToIndices(x, B);
    SampleResult e =
        ZeroShot.inpaint(
            sampler,
            ZeroShot.repeat(gt, B, 3, T.schedule()),
            3 * B,
            keep,
            SampleOptions.defaults());
    List<BufferedImage> originals = new java.util.ArrayList<>();
    for (int i = 0; i < B; i++)
      originals.add(Images.fromNHWC(x, i, PX, PX, ch, ValueRange.MINUS_ONE_ONE));
    BufferedImage panel = SampleFigures.editPanels(originals, keep, SIDE, e, 3, "in-painting", 4);
    // one row per original: original, region, 3 results; tiles at scale 4
    assertTrue(panel.getWidth() >= 5 * 4 * PX && panel.getHeight() >= B * 4 * PX);
  }

  private static boolean hasOne(float[] m) {
    for (float v : m) if (v > 0.5f) return true;
    return false;
  }
}
