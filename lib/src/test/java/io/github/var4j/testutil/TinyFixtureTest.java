package io.github.var4j.testutil;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.var4j.quant.QuantizerConfig;
import io.github.var4j.transformer.VarConfig;
import io.github.var4j.vae.VqVaeConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link TinyFixture} against its manifest: every key is mapped, the derived values agree with the
 * configuration and with the fixture files, and the configurations it builds have the fixtures'
 * derived quantities.
 */
class TinyFixtureTest {
  private static final TinyFixture T = TinyFixture.get();

  @Test
  void everyManifestKeyIsMapped() {
    assertEquals(
        List.of(),
        TinyFixture.unmappedKeys(Fixtures.manifestJson()),
        "tiny_config / tiny_derived keys that TinyFixture ignores");
  }

  @Test
  void missingKeysAreNamed() {
    ObjectNode m = Fixtures.manifestJson().deepCopy();
    ((ObjectNode) m.get("tiny_config")).remove("depth");
    assertEquals(
        "manifest tiny_config has no 'depth'",
        assertThrows(IllegalArgumentException.class, () -> TinyFixture.parse(m)).getMessage());
    ObjectNode empty = new ObjectMapper().createObjectNode();
    assertEquals(
        "manifest has no object 'tiny_config'",
        assertThrows(IllegalArgumentException.class, () -> TinyFixture.parse(empty)).getMessage());
  }

  /**
   * {@code notes.greedy_min_margin_per_scale} (the smallest top-1/top-2 gap of the official guided
   * logits per scale) agrees with the files (one float32 subtraction: half an ulp). The generator
   * does not redraw weights for it; where it is below 2·{@link OfficialGreedy#delta()} the greedy
   * replays accept a near-tie there ({@link OfficialGreedy}), which the test reports.
   */
  @Test
  void greedyMarginsAreRecordedAndAgreeWithTheFiles() {
    var margins = Fixtures.manifestJson().path("notes").path("greedy_min_margin_per_scale");
    assertEquals(T.K(), margins.size(), "notes.greedy_min_margin_per_scale: one per scale");
    double delta = OfficialGreedy.delta();
    for (int si = 0; si < T.K(); si++) {
      float[] x = Fixtures.floats("infer/s" + si + "_logits_cfg.npy");
      int v = T.V();
      double min = Double.POSITIVE_INFINITY;
      for (int r = 0; r < x.length / v; r++) {
        float a = Float.NEGATIVE_INFINITY, b = Float.NEGATIVE_INFINITY;
        for (int j = 0; j < v; j++) {
          float y = x[r * v + j];
          if (y > a) {
            b = a;
            a = y;
          } else if (y > b) {
            b = y;
          }
        }
        min = Math.min(min, (double) a - b);
      }
      double note = margins.get(si).asDouble();
      assertEquals(note, min, Math.ulp((float) note), "greedy margin of scale " + si);
      if (note < 2 * delta) {
        System.out.printf(
            "scale %d: greedy margin %.3g < 2·delta = %.3g: a near-tie may be accepted there%n",
            si, note, 2 * delta);
      }
    }
  }

  @Test
  void derivedValuesAgreeWithTheConfigAndTheFiles() {
    int K = T.K(), l = 0;
    int[][] be = T.beginEnds();
    assertEquals(K, be.length, "begin_ends: one range per scale");
    for (int k = 0; k < K; k++) {
      assertArrayEquals(new int[] {l, l + T.pn(k) * T.pn(k)}, be[k], "begin_ends[" + k + "]");
      l += T.pn(k) * T.pn(k);
    }
    assertEquals(l, T.L());
    assertEquals(T.pn(0) * T.pn(0), T.firstL());
    assertEquals(T.pn(K - 1) * T.pn(K - 1), T.lastL());
    assertEquals(1 << (T.vaeChMult().length - 1), T.vaeDownsample());
    assertEquals(T.pn(K - 1), T.latentSide(), "the last scale is the latent map");
    assertEquals(T.depth(), T.dropPathRates().length);
    assertEquals(T.B(), T.labels().length);
    assertArrayEquals(T.labels(), TinyFixture.labelFile(), "tiny_config.labels vs var/label_B");
    for (int lab : T.labels()) assertTrue(lab >= 0 && lab < T.numClasses(), "label " + lab);
    assertArrayEquals(
        new long[] {T.B(), TinyFixture.imageChannels(), T.imageSize(), T.imageSize()},
        Fixtures.shape("vae/img_B3HW.npy"));
    assertArrayEquals(new long[] {T.B(), T.L()}, Fixtures.shape("vae/gt_BL.npy"));
    assertArrayEquals(
        new long[] {T.B(), T.L() - T.firstL(), T.Cvae()},
        Fixtures.shape("vae/x_BLCv_wo_first_l.npy"));
    assertArrayEquals(
        new long[] {T.V(), T.Cvae()}, Fixtures.shape("params/vae/quantize.embedding.weight.npy"));
    assertArrayEquals(
        new long[] {T.numClasses() + 1, T.embedDim()},
        Fixtures.shape("params/var/class_emb.weight.npy"));
    assertArrayEquals(
        new long[] {1, T.numHeads(), 1, 1},
        Fixtures.shape("params/var/blocks.0.attn.scale_mul_1H11.npy"));
  }

  @Test
  void vqVaeConfigHasTheManifestDerivedValues() {
    VqVaeConfig c = T.vqVaeConfig();
    assertEquals(T.vaeDownsample(), c.downsample());
    assertEquals(T.latentSide(), c.latentSide());
    assertEquals(T.L(), c.patchNums().L());
    assertEquals(T.K(), c.patchNums().K());
    assertArrayEquals(T.vaeChMult(), c.chMult());
    assertEquals(T.imageSize(), c.imageSize());
    assertEquals(T.quantizerConfig(), c.quantizerConfig());
    assertEquals(c, T.vqVaeConfig());
  }

  @Test
  void quantizerConfigsHaveTheFixtureSchedules() {
    QuantizerConfig q = T.quantizerConfig();
    assertArrayEquals(T.patchNums(), q.patchNums().toArray());
    int[] be = q.patchNums().offsets();
    for (int k = 0; k < T.K(); k++) assertEquals(T.beginEnds()[k][0], be[k], "begin of scale " + k);
    QuantizerConfig q10 = T.quant10QuantizerConfig();
    long[] f = Fixtures.shape("quant10/f_BChw.npy"); // (B, Cvae, pn_last, pn_last)
    assertEquals(f[2], q10.patchNums().latentSide());
    assertEquals(f[1], q10.cvae());
    assertArrayEquals(
        new long[] {1, q10.patchNums().L()}, Fixtures.shape("quant10/lvl_1L_real.npy"));
  }

  @Test
  void varConfigHasTheManifestDerivedValues() {
    VarConfig c = T.varConfig();
    assertEquals(T.L(), c.patchNums().L());
    assertEquals(T.firstL(), c.patchNums().firstL());
    for (int k = 0; k < c.patchNums().K(); k++)
      assertArrayEquals(
          T.beginEnds()[k],
          new int[] {c.patchNums().begin(k), c.patchNums().end(k)},
          "begin_ends[" + k + "]");
    double[] rates = c.dropPathRates();
    assertArrayEquals(T.dropPathRates(), rates, 0.0, "drop path rates (float32 linspace)");
    assertEquals(Fixtures.shape("params/var/blocks.0.ffn.fc1.weight.npy")[0], c.hiddenDim());
    assertEquals(T.embedDim() / T.numHeads(), c.headDim());
    assertEquals(T.sharedAln(), c.sharedAdaLN());
    assertTrue(T.salnVarConfig().sharedAdaLN());
    assertEquals(c, T.varConfig());
  }
}
