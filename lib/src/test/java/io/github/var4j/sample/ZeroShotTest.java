package io.github.var4j.sample;

import static org.junit.jupiter.api.Assertions.*;

import io.github.var4j.scale.ScaleSchedule;
import io.github.var4j.testutil.Fixtures;
import io.github.var4j.testutil.TinyFixture;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Zero-shot in-/out-painting and class-conditional editing on the fixtures' tiny VAR and VQ-VAE.
 */
class ZeroShotTest {
  private static final TinyFixture T = TinyFixture.get();
  private static final ScaleSchedule PNS = T.schedule();

  /** Images of vae/img_B3HW, scales, last (mask) side, classes (= the null class label). */
  private static final int B = T.B(), K = T.K(), SIDE = T.latentSide(), NC = T.numClasses();

  /** Copies of every fixture image in the edit tests. */
  private static final int TIMES = 4;

  private static VarSampler sampler;
  private static List<int[]> gt; // tokens of vae/img_B3HW (B images)

  @BeforeAll
  static void build() {
    sampler =
        VarSampler.load(
            T.varConfig(), TinyFixture.varParams(), T.vqVaeConfig(), TinyFixture.vaeParams());
    gt = sampler.encodeToIndices(Fixtures.nchwToNhwc(Fixtures.npy("vae/img_B3HW.npy")), B);
  }

  @AfterAll
  static void close() {
    sampler.close();
  }

  @Test
  void encodingTheFixtureImagesGivesTheOfficialTokens() {
    for (int k = 0; k < PNS.K(); k++)
      Fixtures.assertExact(Fixtures.ints("vae/idx_s" + k + ".npy"), gt.get(k), "idx_s" + k);
  }

  /**
   * Kept positions hold the given tokens at every scale; generated ones differ somewhere (sampling
   * happens).
   */
  private static void assertKeptRegion(
      SampleResult r, List<int[]> given, float[] keep, String what) {
    List<float[]> force = Masks.forceMaps(keep, PNS);
    boolean generatedDiffers = false, anyGenerated = false;
    for (float[] f : force) for (float x : f) anyGenerated |= x <= 0.5f;
    for (int k = 0; k < PNS.K(); k++) {
      int t = PNS.tokens(k);
      for (int b = 0; b < r.n(); b++) {
        for (int i = 0; i < t; i++) {
          int want = given.get(k)[b * t + i], got = r.tokens().get(k)[b * t + i];
          if (force.get(k)[i] > 0.5f) {
            assertEquals(
                want,
                got,
                what + ": scale " + k + " image " + b + " position " + i + " must be kept");
          } else if (want != got) {
            generatedDiffers = true;
          }
        }
      }
    }
    // (scales with pn² <= 3 are forced whole: a 1x1 last scale generates nothing)
    assertEquals(
        anyGenerated,
        generatedDiffers,
        what + ": the generated region must differ from the given image, if there is one");
    for (float v : r.images()) assertTrue(v >= 0 && v <= 1);
  }

  /**
   * The official box ({@link Masks#box}) where it is a proper part of the SIDE x SIDE map; on maps
   * too small for those fractions (rounded to the whole map or to nothing, e.g. the centre half of
   * a 2x2 map), the first cell instead (the whole 1x1 map for SIDE = 1).
   */
  private static float[] properBox(double y0, double y1, double x0, double x1) {
    float[] m = Masks.box(SIDE, y0, y1, x0, x1);
    int ones = countOnes(m);
    if (ones > 0 && ones < SIDE * SIDE) return m;
    float[] cell = new float[SIDE * SIDE];
    cell[0] = 1f;
    return cell;
  }

  @Test
  void inpaintingKeepsEverythingOutsideTheBox() {
    List<int[]> given = ZeroShot.repeat(gt, B, TIMES, PNS); // image-major: a,a,a,a,b,b,b,b,...
    float[] keep = Masks.invert(properBox(0.25, 0.75, 0.25, 0.75));
    SampleResult r =
        ZeroShot.inpaint(
            sampler,
            given,
            B * TIMES,
            keep,
            SampleOptions.builder()
                .cfg(3)
                .topK(0)
                .topP(0.95)
                .moreSmooth(false)
                .seed(1)
                .greedy(false)
                .build());
    assertEquals(B * TIMES, r.n());
    for (int lab : r.labels()) assertEquals(NC, lab, "null class");
    assertKeptRegion(r, given, keep, "inpaint");
    // at the last scale the forced tokens are the keep mask itself; the box is a proper part of the
    // map
    assertArrayEquals(keep, Masks.forceMaps(keep, PNS).get(K - 1));
    int kept = countOnes(keep);
    assertTrue(SIDE == 1 || kept > 0 && kept < SIDE * SIDE, "kept cells " + kept);
  }

  @Test
  void outpaintingKeepsTheCentre() {
    List<int[]> given = ZeroShot.repeat(gt, B, TIMES, PNS);
    float[] keep = properBox(0.25, 0.75, 0.25, 0.75);
    SampleResult r =
        ZeroShot.outpaint(
            sampler,
            given,
            B * TIMES,
            keep,
            SampleOptions.builder()
                .cfg(3)
                .topK(0)
                .topP(0.95)
                .moreSmooth(true)
                .seed(2)
                .greedy(false)
                .build());
    assertKeptRegion(r, given, keep, "outpaint (more_smooth)");
  }

  @Test
  void classConditionalEditingUsesTheLabel() {
    List<int[]> given = ZeroShot.repeat(gt, B, TIMES, PNS);
    float[] keep = Masks.invert(properBox(0, 1, 0.5, 1)); // regenerate the right half
    int label = T.labels()[0];
    SampleResult r =
        ZeroShot.edit(
            sampler,
            given,
            B * TIMES,
            keep,
            label,
            SampleOptions.builder()
                .cfg(3)
                .topK(0)
                .topP(0)
                .moreSmooth(false)
                .seed(3)
                .greedy(false)
                .build());
    for (int lab : r.labels()) assertEquals(label, lab);
    assertKeptRegion(r, given, keep, "edit");
  }

  @Test
  void keepingEverythingReproducesTheTokenizersReconstruction() {
    SampleResult r =
        ZeroShot.withMask(sampler, gt, T.labels(), Masks.all(SIDE), SampleOptions.defaults());
    for (int k = 0; k < PNS.K(); k++) {
      Fixtures.assertExact(gt.get(k), r.tokens().get(k), "scale " + k);
      String f = "vae/fhat_s" + k + ".npy";
      Fixtures.assertClose(
          Fixtures.nchwToNhwc(Fixtures.npy(f)), r.fHat().get(k), Fixtures.tol(f), f);
    }
    float[] img = r.images().clone();
    for (int i = 0; i < img.length; i++) img[i] = img[i] * 2 - 1;
    double d =
        Fixtures.assertClose(
            Fixtures.nchwToNhwc(Fixtures.npy("vae/recon_B3HW.npy")),
            img,
            Fixtures.tol("vae/recon_B3HW.npy"),
            "vae/recon_B3HW.npy");
    System.out.printf("forced-everything image vs vae/recon_B3HW: max|diff| %.2e%n", d);
  }

  @Test
  void badInputsAreRejected() {
    int big = SIDE + 2, v = T.V();
    assertEquals(
        "mask must be " + SIDE + "x" + SIDE + " (the last scale), got " + big + "x" + big,
        assertThrows(
                IllegalArgumentException.class,
                () ->
                    ZeroShot.inpaint(
                        sampler, gt, B, new float[big * big], SampleOptions.defaults()))
            .getMessage());
    assertEquals(
        "label " + (NC + 1) + " is outside [0, " + NC + "]",
        assertThrows(
                IllegalArgumentException.class,
                () ->
                    ZeroShot.edit(
                        sampler, gt, B, Masks.all(SIDE), NC + 1, SampleOptions.defaults()))
            .getMessage());
    // token maps for 3 images, the last scale holding only 2 images
    List<int[]> short3 = new ArrayList<>();
    for (int k = 0; k < K; k++) short3.add(new int[(k < K - 1 ? 3 : 2) * PNS.tokens(k)]);
    int last = PNS.lastL();
    assertEquals(
        "scale "
            + (K - 1)
            + " (pn="
            + PNS.pn(K - 1)
            + "): expected "
            + 3 * last
            + " token ids for 3 images, got "
            + 2 * last,
        assertThrows(
                IllegalArgumentException.class,
                () ->
                    ZeroShot.inpaint(sampler, short3, 3, Masks.all(SIDE), SampleOptions.defaults()))
            .getMessage());
    // the fixture tokens with the first id of scale 0 set to V
    List<int[]> badId = new ArrayList<>(gt);
    int[] s0 = gt.get(0).clone();
    s0[0] = v;
    badId.set(0, s0);
    assertEquals(
        "scale 0: token id " + v + " is outside [0, " + v + ")",
        assertThrows(
                IllegalArgumentException.class,
                () ->
                    ZeroShot.inpaint(sampler, badId, B, Masks.all(SIDE), SampleOptions.defaults()))
            .getMessage());
  }

  private static int countOnes(float[] m) {
    int c = 0;
    for (float v : m) if (v > 0.5f) c++;
    return c;
  }
}
