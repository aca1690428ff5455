package io.github.var4j.sample;

import static org.junit.jupiter.api.Assertions.*;

import io.github.var4j.scale.ScaleSchedule;
import io.github.var4j.testutil.Fixtures;
import io.github.var4j.transformer.TinyVar;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Zero-shot in-/out-painting and class-conditional editing on the fixtures' tiny VAR and VQ-VAE. */
class ZeroShotTest {
  private static final ScaleSchedule PNS = ScaleSchedule.of(1, 2, 3, 4);
  private static VarSampler sampler;
  private static List<int[]> gt; // tokens of vae/img_B3HW (2 images)

  @BeforeAll
  static void build() {
    sampler = VarSampler.load(TinyVar.config(), TinyVar.params(), TinyVar.vqVaeConfig(),
        Fixtures.stateDict("params/vae"));
    gt = sampler.encodeToIndices(Fixtures.nchwToNhwc(Fixtures.npy("vae/img_B3HW.npy")), 2);
  }

  @AfterAll
  static void close() {
    sampler.close();
  }

  @Test
  void encodingTheFixtureImagesGivesTheOfficialTokens() {
    for (int k = 0; k < PNS.K(); k++) Fixtures.assertExact(Fixtures.ints("vae/idx_s" + k + ".npy"), gt.get(k), "idx_s" + k);
  }

  /** Kept positions hold the given tokens at every scale; generated ones differ somewhere (sampling happens). */
  private static void assertKeptRegion(SampleResult r, List<int[]> given, float[] keep, String what) {
    List<float[]> force = Masks.forceMaps(keep, PNS);
    boolean generatedDiffers = false;
    for (int k = 0; k < PNS.K(); k++) {
      int t = PNS.tokens(k);
      for (int b = 0; b < r.n(); b++) {
        for (int i = 0; i < t; i++) {
          int want = given.get(k)[b * t + i], got = r.tokens().get(k)[b * t + i];
          if (force.get(k)[i] > 0.5f) {
            assertEquals(want, got, what + ": scale " + k + " image " + b + " position " + i + " must be kept");
          } else if (want != got) {
            generatedDiffers = true;
          }
        }
      }
    }
    assertTrue(generatedDiffers, what + ": the generated region never differs from the given image");
    for (float v : r.images()) assertTrue(v >= 0 && v <= 1);
  }

  @Test
  void inpaintingKeepsEverythingOutsideTheBox() {
    List<int[]> given = ZeroShot.repeat(gt, 2, 4, PNS); // 8 images: a,a,a,a,b,b,b,b
    float[] keep = Masks.invert(Masks.box(4, 0.25, 0.75, 0.25, 0.75));
    SampleResult r = ZeroShot.inpaint(sampler, given, 8, keep, new SampleOptions(3, 0, 0.95, false, 1, false));
    assertEquals(8, r.n());
    for (int lab : r.labels()) assertEquals(10, lab, "null class");
    assertKeptRegion(r, given, keep, "inpaint");
    assertEquals(12, countOnes(Masks.forceMaps(keep, PNS).get(3)));
  }

  @Test
  void outpaintingKeepsTheCentre() {
    List<int[]> given = ZeroShot.repeat(gt, 2, 4, PNS);
    float[] keep = Masks.box(4, 0.25, 0.75, 0.25, 0.75);
    SampleResult r = ZeroShot.outpaint(sampler, given, 8, keep, new SampleOptions(3, 0, 0.95, true, 2, false));
    assertKeptRegion(r, given, keep, "outpaint (more_smooth)");
  }

  @Test
  void classConditionalEditingUsesTheLabel() {
    List<int[]> given = ZeroShot.repeat(gt, 2, 4, PNS);
    float[] keep = Masks.invert(Masks.box(4, 0, 1, 0.5, 1)); // regenerate the right half
    SampleResult r = ZeroShot.edit(sampler, given, 8, keep, 3, new SampleOptions(3, 0, 0, false, 3, false));
    for (int lab : r.labels()) assertEquals(3, lab);
    assertKeptRegion(r, given, keep, "edit");
  }

  @Test
  void keepingEverythingReproducesTheTokenizersReconstruction() {
    SampleResult r = ZeroShot.withMask(sampler, gt, new int[] {3, 7}, Masks.all(4), SampleOptions.defaults());
    for (int k = 0; k < PNS.K(); k++) {
      Fixtures.assertExact(gt.get(k), r.tokens().get(k), "scale " + k);
      String f = "vae/fhat_s" + k + ".npy";
      Fixtures.assertClose(Fixtures.nchwToNhwc(Fixtures.npy(f)), r.fHat().get(k), Fixtures.tol(f), f);
    }
    float[] img = r.images().clone();
    for (int i = 0; i < img.length; i++) img[i] = img[i] * 2 - 1;
    double d = Fixtures.assertClose(Fixtures.nchwToNhwc(Fixtures.npy("vae/recon_B3HW.npy")), img,
        Fixtures.tol("vae/recon_B3HW.npy"), "vae/recon_B3HW.npy");
    System.out.printf("forced-everything image vs vae/recon_B3HW: max|diff| %.2e%n", d);
  }

  @Test
  void badInputsAreRejected() {
    assertEquals("mask must be 4x4 (the last scale), got 6x6", assertThrows(IllegalArgumentException.class,
        () -> ZeroShot.inpaint(sampler, gt, 2, new float[36], SampleOptions.defaults())).getMessage());
    assertEquals("label 11 is outside [0, 10]", assertThrows(IllegalArgumentException.class,
        () -> ZeroShot.edit(sampler, gt, 2, Masks.all(4), 11, SampleOptions.defaults())).getMessage());
    assertEquals("scale 3 (pn=4): expected 48 token ids for 3 images, got 32", assertThrows(
        IllegalArgumentException.class, () -> ZeroShot.inpaint(sampler, List.of(new int[3], new int[12], new int[27], new int[32]), 3,
            Masks.all(4), SampleOptions.defaults())).getMessage());
    assertEquals("scale 0: token id 64 is outside [0, 64)", assertThrows(IllegalArgumentException.class,
        () -> ZeroShot.inpaint(sampler, List.of(new int[] {64, 0}, gt.get(1), gt.get(2), gt.get(3)), 2, Masks.all(4),
            SampleOptions.defaults())).getMessage());
  }

  private static int countOnes(float[] m) {
    int c = 0;
    for (float v : m) if (v > 0.5f) c++;
    return c;
  }
}
