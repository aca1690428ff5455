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
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * quant10/: the official VectorQuantizer2 (V=64, Cvae=8) with the real 256px schedule 1..16 - the real area/bicubic
 * matrices (16->13 etc.) and the K=10 Phi table with its float64 ties.
 */
class Quant10ParityTest {
  private static final int B = 2, H = 16, C = 8;

  @Test
  void encodeVarInputAndFHatFromIdxMatchOfficial() {
    QuantizerConfig cfg = TinyFixture.get().quant10QuantizerConfig();
    int K = cfg.K();
    Npy.Array fA = Fixtures.npy("quant10/f_BChw.npy");
    assertArrayEquals(new long[] {B, C, H, H}, fA.shape());
    float[] f = Fixtures.nchwToNhwc(fA);
    List<int[]> storedIdx = new ArrayList<>();
    for (int si = 0; si < K; si++) storedIdx.add(Fixtures.ints("quant10/idx_s" + si + ".npy"));

    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      ParamStore ps = new ParamStore(tf);
      MultiScaleQuantizer q = new MultiScaleQuantizer(ps, "", cfg);
      Placeholder<TFloat32> fIn = mapPlaceholder(tf, H, C);
      MultiScaleQuantizer.Encoded enc = q.encode(fIn);
      List<Operand<TInt32>> idxIn = new ArrayList<>();
      for (int si = 0; si < K; si++) idxIn.add(idxPlaceholder(tf, cfg.pn(si)));
      Operand<TFloat32> varIn = q.varInput(idxIn);
      List<Operand<TFloat32>> fromIdx = q.fHatFromIdx(idxIn);
      assertEquals(List.of(-1L, 679L, 8L), List.of(varIn.shape().get(0), varIn.shape().get(1), varIn.shape().get(2)));

      try (Session s = Sessions.create(g)) {
        ps.load(s, Fixtures.stateDict("params/quant10")); // strict; ema_vocab_hit_SV is an ignored buffer
        Run r = new Run(s).feed(fIn, f, B, H, H, C).fetchAll(enc.idxBL()).fetch(enc.fHat().get(4))
            .fetch(enc.fHat().get(K - 1)).fetch(varIn).fetch(fromIdx.get(4)).fetch(fromIdx.get(K - 1));
        for (int si = 0; si < K; si++) r.feedInts(idxIn.get(si), storedIdx.get(si), B, (long) cfg.pn(si) * cfg.pn(si));
        List<Object> out = r.run();
        for (int si = 0; si < K; si++) {
          Fixtures.assertExact(storedIdx.get(si), (int[]) out.get(si), "quant10 idx_s" + si);
        }
        double d4 = Fixtures.assertMatches("quant10/fhat_s4.npy", nchw((float[]) out.get(K)));
        double dl = Fixtures.assertMatches("quant10/fhat_last.npy", nchw((float[]) out.get(K + 1)));
        double dv = Fixtures.assertMatches("quant10/x_BLCv_wo_first_l.npy", (float[]) out.get(K + 2));
        double i4 = Fixtures.assertMatches("quant10/fhat_s4.npy", nchw((float[]) out.get(K + 3)));
        double il = Fixtures.assertMatches("quant10/fhat_last.npy", nchw((float[]) out.get(K + 4)));
        System.out.printf("quant10: idx exact (10 scales); max|diff| fhat_s4 %.3e fhat_last %.3e varInput %.3e;"
            + " fHatFromIdx s4 %.3e last %.3e%n", d4, dl, dv, i4, il);
      }
    }
  }

  @Test
  void gtTokensAndLevelsAgreeWithConfig() {
    QuantizerConfig cfg = TinyFixture.get().quant10QuantizerConfig();
    int[] lvl = Fixtures.ints("quant10/lvl_1L_real.npy");
    assertEquals(cfg.L(), lvl.length);
    for (int si = 0; si < cfg.K(); si++) {
      for (int t = cfg.begin(si); t < cfg.end(si); t++) assertEquals(si, lvl[t], "lvl at token " + t);
    }
  }

  private static float[] nchw(float[] nhwc) {
    return Fixtures.nhwcToNchw(nhwc, B, H, H, C);
  }
}
