package io.github.var4j.quant;

import static io.github.var4j.quant.QuantTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

import io.github.var4j.nn.Param;
import io.github.var4j.nn.ParamStore;
import io.github.var4j.nn.Sessions;
import io.github.var4j.scale.ScaleSchedule;
import io.github.var4j.testutil.Fixtures;
import io.github.var4j.testutil.TinyFixture;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/** Invariants of the quantizer graph beyond the fixtures. */
class MultiScaleQuantizerTest {
  /** quant10/f_BChw: (B, Cvae, pn_last, pn_last). */
  private static final long[] F_SHAPE = Fixtures.shape("quant10/f_BChw.npy");

  /**
   * Feeding encode's embeddings E[idx_si] through nextAutoregressiveInput reproduces f_hat and the
   * VAR input.
   */
  @Test
  void autoregressiveChainReproducesEncodeAndVarInput() {
    QuantizerConfig cfg = TinyFixture.get().quant10QuantizerConfig();
    int K = cfg.patchNums().K(), B = (int) F_SHAPE[0], C = (int) F_SHAPE[1], H = (int) F_SHAPE[2];
    float[] f = Fixtures.nchwToNhwc(Fixtures.npy("quant10/f_BChw.npy"));
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      ParamStore ps = new ParamStore(tf);
      MultiScaleQuantizer q = new MultiScaleQuantizer(ps, "", cfg);
      Placeholder<TFloat32> fIn = mapPlaceholder(tf, H, C);
      MultiScaleQuantizer.Encoded enc = q.encode(fIn);
      Operand<TFloat32> varIn = q.varInput(enc.idxBL());
      List<Operand<TFloat32>> chainFHat = new ArrayList<>(), nexts = new ArrayList<>();
      Operand<TFloat32> fHat = null;
      for (int si = 0; si < K; si++) {
        int pn = cfg.patchNums().pn(si);
        Operand<TFloat32> h =
            tf.reshape(
                tf.gather(q.codebook(), enc.idxBL().get(si), tf.constant(0)),
                tf.constant(new int[] {-1, pn, pn, C}));
        MultiScaleQuantizer.Next nx = q.nextAutoregressiveInput(si, fHat, h);
        fHat = nx.fHat();
        chainFHat.add(fHat);
        if (si < K - 1) {
          int p1 = cfg.patchNums().pn(si + 1);
          assertEquals(p1, nx.next().shape().get(1));
          nexts.add(tf.reshape(nx.next(), tf.constant(new int[] {-1, p1 * p1, C})));
        } else {
          assertSame(nx.fHat(), nx.next());
        }
      }
      Operand<TFloat32> chainVar = tf.concat(nexts, tf.constant(1));
      try (Session s = Sessions.create(g)) {
        ps.load(s, Fixtures.stateDict("params/quant10"));
        List<Object> out =
            new Run(s)
                .feed(fIn, f, B, H, H, C)
                .fetchAll(enc.fHat())
                .fetchAll(chainFHat)
                .fetch(varIn)
                .fetch(chainVar)
                .run();
        double m = 0;
        for (int si = 0; si < K; si++) {
          m =
              Math.max(
                  m,
                  Fixtures.assertClose(
                      (float[]) out.get(si),
                      (float[]) out.get(K + si),
                      1e-6,
                      0,
                      "chain f_hat s" + si));
        }
        double v =
            Fixtures.assertClose(
                (float[]) out.get(2 * K), (float[]) out.get(2 * K + 1), 1e-6, 0, "chain input");
        System.out.printf(
            "AR chain vs encode: max|diff| f_hat %.3e, next inputs vs varInput %.3e%n", m, v);
      }
    }
  }

  /**
   * The batch dimension is dynamic: encoding the last sample alone gives the same tokens and f_hat
   * as in the batch.
   */
  @Test
  void unknownBatchDimension() {
    QuantizerConfig cfg = TinyFixture.get().quant10QuantizerConfig();
    int B = (int) F_SHAPE[0],
        C = (int) F_SHAPE[1],
        H = (int) F_SHAPE[2],
        n = H * H * C,
        last = B - 1;
    float[] f = Fixtures.nchwToNhwc(Fixtures.npy("quant10/f_BChw.npy"));
    float[] f1 = java.util.Arrays.copyOfRange(f, last * n, B * n);
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      ParamStore ps = new ParamStore(tf);
      MultiScaleQuantizer q = new MultiScaleQuantizer(ps, "", cfg);
      Placeholder<TFloat32> fIn = mapPlaceholder(tf, H, C);
      MultiScaleQuantizer.Encoded enc = q.encode(fIn);
      assertEquals(-1, enc.fHat().get(0).shape().get(0));
      try (Session s = Sessions.create(g)) {
        ps.load(s, Fixtures.stateDict("params/quant10"));
        List<Object> one =
            new Run(s)
                .feed(fIn, f1, 1, H, H, C)
                .fetchAll(enc.idxBL())
                .fetch(enc.fHat().get(cfg.patchNums().K() - 1))
                .run();
        for (int si = 0; si < cfg.patchNums().K(); si++) {
          int[] all = Fixtures.ints("quant10/idx_s" + si + ".npy");
          int l = cfg.patchNums().pn(si) * cfg.patchNums().pn(si);
          Fixtures.assertExact(
              java.util.Arrays.copyOfRange(all, last * l, B * l),
              (int[]) one.get(si),
              "B=1 idx_s" + si);
        }
        float[] fHatLast = Fixtures.nchwToNhwc(Fixtures.npy("quant10/fhat_last.npy"));
        Fixtures.assertClose(
            java.util.Arrays.copyOfRange(fHatLast, last * n, B * n),
            (float[]) one.get(cfg.patchNums().K()),
            Fixtures.tol("quant10/fhat_last.npy"),
            "B=1 fhat_last");
      }
    }
  }

  /**
   * Equal distances pick the first code (torch.argmin); identity Phi (quantResi 0) has no
   * parameters.
   */
  @Test
  void tiesPickTheFirstCodeAndIdentityPhi() {
    QuantizerConfig cfg =
        QuantizerConfig.builder()
            .vocabSize(5)
            .cvae(2)
            .patchNums(ScaleSchedule.of(2))
            .beta(0.25)
            .quantResi(0.0)
            .shareQuantResi(4)
            .build();
    float[] e = {5, 5, 1, 0, 0, 1, 1, 0, -1, 0}; // rows 1 and 3 are equal
    // pixels: (1,0) -> tie 1/3; (.5,.5) -> tie 1/2/3; (0,0) -> tie 1/2/3; (-1,0) -> 4 (unique,
    // last)
    float[] f = {1, 0, .5f, .5f, 0, 0, -1, 0};
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      ParamStore ps = new ParamStore(tf);
      MultiScaleQuantizer q = new MultiScaleQuantizer(ps, "quantize.", cfg);
      assertEquals(
          List.of("quantize.embedding.weight"), ps.all().stream().map(Param::name).toList());
      Placeholder<TFloat32> fIn = mapPlaceholder(tf, 2, 2);
      MultiScaleQuantizer.Encoded enc = q.encode(fIn);
      try (Session s = Sessions.create(g)) {
        ps.assignTf(s, Map.of(ps.param("quantize.embedding.weight"), e));
        List<Object> out =
            new Run(s)
                .feed(fIn, f, 1, 2, 2, 2)
                .fetch(enc.idxBL().get(0))
                .fetch(enc.fHat().get(0))
                .run();
        assertArrayEquals(new int[] {1, 1, 1, 4}, (int[]) out.get(0));
        assertArrayEquals(new float[] {1, 0, 1, 0, 1, 0, -1, 0}, (float[]) out.get(1));
      }
    }
  }

  /** Official module names for share_quant_resi 0 / 1 / n, and Phi_si uses conv phiIndex[si]. */
  @Test
  void phiNamingAndSelection() {
    int[] pn = {1, 2, 3, 4};
    Map<Integer, List<String>> expectedNames =
        Map.of(
            0, List.of("q.quant_resi.0", "q.quant_resi.1", "q.quant_resi.2", "q.quant_resi.3"),
            1, List.of("q.quant_resi.qresi"),
            2, List.of("q.quant_resi.qresi_ls.0", "q.quant_resi.qresi_ls.1"),
            4,
                List.of(
                    "q.quant_resi.qresi_ls.0",
                    "q.quant_resi.qresi_ls.1",
                    "q.quant_resi.qresi_ls.2",
                    "q.quant_resi.qresi_ls.3"));
    for (int share : new int[] {0, 1, 2, 4}) {
      QuantizerConfig cfg =
          QuantizerConfig.builder()
              .vocabSize(16)
              .cvae(3)
              .patchNums(ScaleSchedule.of(pn))
              .beta(0.25)
              .quantResi(-0.3)
              .shareQuantResi(share)
              .build(); // |r| is used, like the official code
      try (Graph g = new Graph()) {
        Ops tf = Ops.create(g);
        ParamStore ps = new ParamStore(tf);
        MultiScaleQuantizer q = new MultiScaleQuantizer(ps, "q.", cfg);
        assertEquals(expectedNames.get(share), q.phiNames());
        List<String> params = new ArrayList<>(List.of("q.embedding.weight"));
        for (String n : expectedNames.get(share)) {
          params.add(n + ".weight");
          params.add(n + ".bias");
        }
        assertEquals(params, ps.all().stream().map(Param::name).toList());
        Placeholder<TFloat32> h = mapPlaceholder(tf, 4, 3);
        List<Operand<TFloat32>> phis = new ArrayList<>();
        for (int si = 0; si < 4; si++) phis.add(q.phi(si, h));
        SplittableRandom rng = new SplittableRandom(share);
        float[] x = randn(rng, 2 * 4 * 4 * 3);
        try (Session s = Sessions.create(g)) {
          ps.initialize(s, 11);
          Map<Param, float[]> w = ps.fetchTf(s, ps.trainable());
          List<Object> out = new Run(s).feed(h, x, 2, 4, 4, 3).fetchAll(phis).run();
          int[] idx = cfg.phiIndex();
          for (int si = 0; si < 4; si++) {
            String n = expectedNames.get(share).get(idx[si]);
            float[] conv =
                conv3x3(x, 2, 4, 3, w.get(ps.param(n + ".weight")), w.get(ps.param(n + ".bias")));
            float[] ref = new float[x.length];
            for (int i = 0; i < x.length; i++) ref[i] = 0.7f * x[i] + 0.3f * conv[i];
            Fixtures.assertClose(
                ref, (float[]) out.get(si), 1e-5, 1e-5, "share " + share + " Phi_" + si);
          }
        }
      }
    }
  }

  /**
   * area/bicubic graph ops equal M X M^T (Java) with a dynamic batch, and their input gradient is
   * M^T G M.
   */
  @Test
  void resamplingOpsMatchMatricesAndGradients() {
    int[][] cases = {
      {16, 13, 0}, {16, 5, 0}, {4, 3, 0}, {1, 16, 1}, {5, 16, 1}, {13, 16, 1}, {2, 4, 1}
    };
    int B = 3, C = 2;
    for (int[] cs : cases) {
      int s = cs[0], t = cs[1];
      boolean bic = cs[2] == 1;
      float[] m = bic ? Resampling.bicubic(s, t) : Resampling.area(s, t);
      SplittableRandom rng = new SplittableRandom(s * 100 + t);
      float[] x = randn(rng, B * s * s * C);
      float[] w = randn(rng, B * t * t * C);
      try (Graph g = new Graph()) {
        Ops tf = Ops.create(g);
        MultiScaleQuantizer q =
            new MultiScaleQuantizer(new ParamStore(tf), "", TinyFixture.get().quantizerConfig());
        Placeholder<TFloat32> xIn = mapPlaceholder(tf, s, C);
        Operand<TFloat32> y = bic ? q.bicubic(xIn, t) : q.area(xIn, t);
        assertArrayEquals(new long[] {-1, t, t, C}, y.shape().asArray());
        Operand<TFloat32> wC = tf.constant(Shape.of(B, t, t, C), DataBuffers.of(w, true, false));
        Operand<TFloat32> loss = tf.sum(tf.math.mul(y, wC), tf.constant(new int[] {0, 1, 2, 3}));
        Output<?> gx = g.addGradients(loss.asOutput(), new Output<?>[] {xIn.asOutput()})[0];
        try (Session sess = Sessions.create(g)) {
          List<Object> out = new Run(sess).feed(xIn, x, B, s, s, C).fetch(y).fetch(gx).run();
          Fixtures.assertClose(
              sep(m, x, B, s, t, C),
              (float[]) out.get(0),
              1e-6,
              1e-6,
              (bic ? "bicubic " : "area ") + s + "->" + t);
          float[] mt = transpose(m, t, s);
          Fixtures.assertClose(
              sep(mt, w, B, t, s, C), (float[]) out.get(1), 1e-5, 1e-5, "grad " + s + "->" + t);
        }
      }
    }
  }

  @Test
  void badInputsNameTheProblem() {
    QuantizerConfig cfg = TinyFixture.get().quantizerConfig();
    int K = cfg.patchNums().K(),
        side = cfg.patchNums().latentSide(),
        c = cfg.cvae(),
        p0 = cfg.patchNums().pn(0);
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      MultiScaleQuantizer q = new MultiScaleQuantizer(new ParamStore(tf), "quantize.", cfg);
      Placeholder<TFloat32> wrong = mapPlaceholder(tf, 2 * side, c);
      assertEquals(
          "f must be (B, "
              + side
              + ", "
              + side
              + ", "
              + c
              + ") NHWC, got [-1, "
              + 2 * side
              + ", "
              + 2 * side
              + ", "
              + c
              + "]",
          assertThrows(IllegalArgumentException.class, () -> q.encode(wrong)).getMessage());
      Placeholder<TFloat32> h = mapPlaceholder(tf, p0 + 1, c);
      assertEquals(
          "scale index must be in [0, " + (K - 1) + "], got " + K,
          assertThrows(IllegalArgumentException.class, () -> q.nextAutoregressiveInput(K, null, h))
              .getMessage());
      assertEquals(
          "h must be (B, "
              + p0
              + ", "
              + p0
              + ", "
              + c
              + ") NHWC, got [-1, "
              + (p0 + 1)
              + ", "
              + (p0 + 1)
              + ", "
              + c
              + "]",
          assertThrows(IllegalArgumentException.class, () -> q.nextAutoregressiveInput(0, null, h))
              .getMessage());
      List<Operand<TInt32>> tooMany = new ArrayList<>();
      for (int i = 0; i <= K; i++) tooMany.add(idxPlaceholder(tf, 1));
      assertEquals(
          "idxBL must have 1.." + K + " scales, got " + (K + 1),
          assertThrows(IllegalArgumentException.class, () -> q.fHatFromIdx(tooMany)).getMessage());
      assertEquals(
          "idxBL must have K=" + K + " (or K-1) entries, got " + (K + 1),
          assertThrows(IllegalArgumentException.class, () -> q.varInput(tooMany)).getMessage());
    }
  }

  // ---------------------------------------------------------------------------------------------------------------

  private static float[] randn(SplittableRandom r, int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) v[i] = (float) (r.nextDouble() * 2 - 1);
    return v;
  }

  private static float[] transpose(float[] m, int rows, int cols) {
    float[] t = new float[m.length];
    for (int i = 0; i < rows; i++) for (int j = 0; j < cols; j++) t[j * rows + i] = m[i * cols + j];
    return t;
  }

  /** y[b,o,p,c] = sum_{h,w} M[o,h] M[p,w] x[b,h,w,c] in double; M (t, s). */
  private static float[] sep(float[] m, float[] x, int b, int s, int t, int c) {
    float[] y = new float[b * t * t * c];
    for (int n = 0; n < b; n++)
      for (int o = 0; o < t; o++)
        for (int p = 0; p < t; p++)
          for (int ch = 0; ch < c; ch++) {
            double acc = 0;
            for (int i = 0; i < s; i++)
              for (int j = 0; j < s; j++)
                acc += (double) m[o * s + i] * m[p * s + j] * x[((n * s + i) * s + j) * c + ch];
            y[((n * t + o) * t + p) * c + ch] = (float) acc;
          }
    return y;
  }

  /** 3x3 conv, zero pad 1, NHWC, TF HWIO weights. */
  private static float[] conv3x3(float[] x, int b, int hw, int c, float[] wHWIO, float[] bias) {
    float[] y = new float[x.length];
    for (int n = 0; n < b; n++)
      for (int i = 0; i < hw; i++)
        for (int j = 0; j < hw; j++)
          for (int o = 0; o < c; o++) {
            double acc = bias[o];
            for (int ky = 0; ky < 3; ky++)
              for (int kx = 0; kx < 3; kx++) {
                int yy = i + ky - 1, xx = j + kx - 1;
                if (yy < 0 || yy >= hw || xx < 0 || xx >= hw) continue;
                for (int ci = 0; ci < c; ci++)
                  acc +=
                      (double) wHWIO[((ky * 3 + kx) * c + ci) * c + o]
                          * x[((n * hw + yy) * hw + xx) * c + ci];
              }
            y[((n * hw + i) * hw + j) * c + o] = (float) acc;
          }
    return y;
  }
}
