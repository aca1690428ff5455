package io.github.var4j.quant;

import static io.github.var4j.quant.QuantTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

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
 * vae/: the quantizer part of the tiny official VQVAE (params/vae, prefix "quantize.", the
 * fixtures' patch_nums).
 */
class VaeQuantParityTest {
  /** vae/f_BChw: (B, Cvae, pn_last, pn_last). */
  private static final long[] F_SHAPE = Fixtures.shape("vae/f_BChw.npy");

  private static final int B = (int) F_SHAPE[0], C = (int) F_SHAPE[1], H = (int) F_SHAPE[2];

  @Test
  void quantizeStoredFMatchesOfficial() {
    QuantizerConfig cfg = TinyFixture.get().quantizerConfig();
    int K = cfg.patchNums().K();
    cfg.patchNums().checkLatentSide(H);
    float[] f = Fixtures.nchwToNhwc(Fixtures.npy("vae/f_BChw.npy"));
    List<int[]> storedIdx = new ArrayList<>();
    for (int si = 0; si < K; si++) storedIdx.add(Fixtures.ints("vae/idx_s" + si + ".npy"));

    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      ParamStore ps = new ParamStore(tf);
      MultiScaleQuantizer q = new MultiScaleQuantizer(ps, "quantize.", cfg);
      Placeholder<TFloat32> fIn = mapPlaceholder(tf, H, C);
      MultiScaleQuantizer.Encoded enc = q.encode(fIn);
      List<Operand<TInt32>> idxIn = new ArrayList<>();
      for (int si = 0; si < K; si++) idxIn.add(idxPlaceholder(tf, cfg.patchNums().pn(si)));
      Operand<TFloat32> varIn = q.varInput(idxIn);
      List<Operand<TFloat32>> fromIdx = q.fHatFromIdx(idxIn);
      Operand<TInt32> gt = tf.concat(enc.idxBL(), tf.constant(1));

      try (Session s = Sessions.create(g)) {
        ps.loadSubset(s, Fixtures.stateDict("params/vae"), p -> true);
        Run r =
            new Run(s)
                .feed(fIn, f, B, H, H, C)
                .fetchAll(enc.idxBL())
                .fetchAll(enc.fHat())
                .fetch(varIn)
                .fetchAll(fromIdx)
                .fetch(gt);
        for (int si = 0; si < K; si++)
          r.feedInts(
              idxIn.get(si),
              storedIdx.get(si),
              B,
              (long) cfg.patchNums().pn(si) * cfg.patchNums().pn(si));
        List<Object> out = r.run();
        double maxF = 0, maxI = 0;
        for (int si = 0; si < K; si++) {
          Fixtures.assertExact(storedIdx.get(si), (int[]) out.get(si), "vae idx_s" + si);
          String file = "vae/fhat_s" + si + ".npy";
          maxF = Math.max(maxF, Fixtures.assertMatches(file, nchw((float[]) out.get(K + si))));
          maxI =
              Math.max(maxI, Fixtures.assertMatches(file, nchw((float[]) out.get(2 * K + 1 + si))));
        }
        double dv = Fixtures.assertMatches("vae/x_BLCv_wo_first_l.npy", (float[]) out.get(2 * K));
        Fixtures.assertExact(
            Fixtures.ints("vae/gt_BL.npy"), (int[]) out.get(3 * K + 1), "vae gt_BL");
        System.out.printf(
            "vae quantizer: idx exact; max|diff| fhat_s* %.3e, varInput %.3e, fHatFromIdx %.3e%n",
            maxF, dv, maxI);
      }
    }
  }

  private static float[] nchw(float[] nhwc) {
    return Fixtures.nhwcToNchw(nhwc, B, H, H, C);
  }
}
