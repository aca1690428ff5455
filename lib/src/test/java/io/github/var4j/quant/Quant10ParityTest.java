package io.github.var4j.quant;

import static io.github.var4j.quant.QuantTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

import io.github.var4j.io.Npy;
import io.github.var4j.nn.ParamStore;
import io.github.var4j.nn.Sessions;
import io.github.var4j.testutil.Fixtures;
import io.github.var4j.testutil.TinyFixture;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * quant10/: the official VectorQuantizer2 (the tiny V and Cvae) with a real multi-scale schedule
 * (256px: 1..16) - the real area/bicubic matrices (16->13 etc.) and the Phi table of K scales with
 * its float64 ties. The schedule is read from the fixture files ({@link
 * TinyFixture#quant10PatchNums()}).
 */
class Quant10ParityTest {
  /** quant10/f_BChw: (B, Cvae, pn_last, pn_last). */
  private static final long[] F_SHAPE = Fixtures.shape("quant10/f_BChw.npy");

  private static final int B = (int) F_SHAPE[0], C = (int) F_SHAPE[1], H = (int) F_SHAPE[2];
  private static final Pattern FHAT_SCALE = Pattern.compile("quant10/fhat_s(\\d+)\\.npy");

  @Test
  void encodeVarInputAndFHatFromIdxMatchOfficial() {
    QuantizerConfig cfg = TinyFixture.get().quant10QuantizerConfig();
    int K = cfg.patchNums().K();
    Npy.Array fA = Fixtures.npy("quant10/f_BChw.npy");
    assertArrayEquals(F_SHAPE, fA.shape());
    cfg.patchNums().checkLatentSide(H);
    float[] f = Fixtures.nchwToNhwc(fA);
    List<int[]> storedIdx = new ArrayList<>();
    for (int si = 0; si < K; si++) storedIdx.add(Fixtures.ints("quant10/idx_s" + si + ".npy"));
    // the stored intermediate f_hat files (quant10/fhat_s<k>.npy) and their scales, plus the final
    // one
    List<String> fHatFiles = new ArrayList<>();
    List<Integer> fHatScales = new ArrayList<>();
    for (String file : Fixtures.files("quant10/fhat_s")) {
      Matcher m = FHAT_SCALE.matcher(file);
      assertTrue(m.matches(), "unexpected quant10 file " + file);
      fHatFiles.add(file);
      fHatScales.add(Integer.parseInt(m.group(1)));
    }
    fHatFiles.add("quant10/fhat_last.npy");
    fHatScales.add(K - 1);
    int nF = fHatFiles.size();

    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      ParamStore ps = new ParamStore(tf);
      MultiScaleQuantizer q = new MultiScaleQuantizer(ps, "", cfg);
      Placeholder<TFloat32> fIn = mapPlaceholder(tf, H, C);
      MultiScaleQuantizer.Encoded enc = q.encode(fIn);
      List<Operand<TInt32>> idxIn = new ArrayList<>();
      for (int si = 0; si < K; si++) idxIn.add(idxPlaceholder(tf, cfg.patchNums().pn(si)));
      Operand<TFloat32> varIn = q.varInput(idxIn);
      List<Operand<TFloat32>> fromIdx = q.fHatFromIdx(idxIn);
      long[] xShape = Fixtures.shape("quant10/x_BLCv_wo_first_l.npy"); // (B, L - first_l, Cvae)
      assertArrayEquals(new long[] {-1, xShape[1], xShape[2]}, varIn.shape().asArray());

      try (Session s = Sessions.create(g)) {
        ps.load(
            s,
            Fixtures.stateDict("params/quant10")); // strict; ema_vocab_hit_SV is an ignored buffer
        Run r = new Run(s).feed(fIn, f, B, H, H, C).fetchAll(enc.idxBL()).fetch(varIn);
        for (int si : fHatScales) r.fetch(enc.fHat().get(si));
        for (int si : fHatScales) r.fetch(fromIdx.get(si));
        for (int si = 0; si < K; si++)
          r.feedInts(
              idxIn.get(si),
              storedIdx.get(si),
              B,
              (long) cfg.patchNums().pn(si) * cfg.patchNums().pn(si));
        List<Object> out = r.run();
        for (int si = 0; si < K; si++) {
          Fixtures.assertExact(storedIdx.get(si), (int[]) out.get(si), "quant10 idx_s" + si);
        }
        double dv = Fixtures.assertMatches("quant10/x_BLCv_wo_first_l.npy", (float[]) out.get(K));
        double de = 0, di = 0;
        for (int i = 0; i < nF; i++) {
          de =
              Math.max(
                  de, Fixtures.assertMatches(fHatFiles.get(i), nchw((float[]) out.get(K + 1 + i))));
          di =
              Math.max(
                  di,
                  Fixtures.assertMatches(
                      fHatFiles.get(i), nchw((float[]) out.get(K + 1 + nF + i))));
        }
        System.out.printf(
            "quant10: idx exact (%d scales); max|diff| varInput %.3e; f_hat at scales %s: encode %.3e,"
                + " fHatFromIdx %.3e%n",
            K, dv, fHatScales, de, di);
      }
    }
  }

  @Test
  void gtTokensAndLevelsAgreeWithConfig() {
    QuantizerConfig cfg = TinyFixture.get().quant10QuantizerConfig();
    int[] lvl = Fixtures.ints("quant10/lvl_1L_real.npy");
    assertEquals(cfg.patchNums().L(), lvl.length);
    for (int si = 0; si < cfg.patchNums().K(); si++) {
      for (int t = cfg.patchNums().begin(si); t < cfg.patchNums().end(si); t++)
        assertEquals(si, lvl[t], "lvl at token " + t);
    }
  }

  private static float[] nchw(float[] nhwc) {
    return Fixtures.nhwcToNchw(nhwc, B, H, H, C);
  }
}
