package io.github.var4j.nn;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;

class ParamStoreTest {

  @Test
  void layoutRoundTripsAndMatchesTorchSemantics() {
    long[] conv = {4, 3, 2, 5};
    float[] v = new float[4 * 3 * 2 * 5];
    for (int i = 0; i < v.length; i++) v[i] = i;
    float[] tf = Layout.CONV.toTf(v, conv);
    // torch w[o=1][i=2][y=1][x=3] == tf w[y=1][x=3][i=2][o=1]
    assertEquals(v[((1 * 3 + 2) * 2 + 1) * 5 + 3], tf[((1 * 5 + 3) * 3 + 2) * 4 + 1]);
    assertArrayEquals(v, Layout.CONV.toTorch(tf, conv));
    long[] lin = {3, 7};
    float[] w = new float[21];
    for (int i = 0; i < 21; i++) w[i] = i;
    float[] wt = Layout.LINEAR.toTf(w, lin);
    assertEquals(w[2 * 7 + 5], wt[5 * 3 + 2]);
    assertArrayEquals(w, Layout.LINEAR.toTorch(wt, lin));
    assertArrayEquals(new long[] {2, 5, 3, 4}, Layout.CONV.tfShape(conv));
  }

  @Test
  void initializeIsDeterministicPerNameAndStateDictRoundTrips() {
    StateDict a, b;
    try (Graph g = new Graph();
        Session s = new Session(g)) {
      ParamStore ps = new ParamStore(Ops.create(g));
      new Linear(ps, "fc", 3, 2, true);
      new Conv2d(ps, "conv", 2, 4, 3);
      ps.initialize(s, 7);
      a = ps.stateDict(s);
    }
    try (Graph g = new Graph();
        Session s = new Session(g)) {
      ParamStore ps = new ParamStore(Ops.create(g));
      new Conv2d(ps, "conv", 2, 4, 3); // other construction order: same values
      new Linear(ps, "fc", 3, 2, true);
      ps.initialize(s, 7);
      b = ps.stateDict(s);
      assertArrayEquals(a.get("conv.weight").data(), b.get("conv.weight").data());
      assertArrayEquals(new long[] {2, 3}, b.get("fc.weight").shape());
      // load a modified dict, read back the same values
      float[] w = a.get("fc.weight").data().clone();
      w[1] = 42f;
      a.put("fc.weight", new HostTensor(new long[] {2, 3}, w));
      ps.load(s, a);
      assertEquals(42f, ps.stateDict(s).get("fc.weight").data()[1]);
    }
  }

  @Test
  void strictLoadNamesMissingUnexpectedAndMismatchedWeights() {
    try (Graph g = new Graph();
        Session s = new Session(g)) {
      ParamStore ps = new ParamStore(Ops.create(g));
      new Linear(ps, "fc", 3, 2, true);
      StateDict sd =
          new StateDict().put("fc.weight", new HostTensor(new long[] {2, 3}, new float[6]));
      var e1 = assertThrows(IllegalArgumentException.class, () -> ps.load(s, sd));
      assertEquals("missing weight 'fc.bias' in state dict", e1.getMessage());
      sd.put("fc.bias", new HostTensor(new long[] {3}, new float[3]));
      var e2 = assertThrows(IllegalArgumentException.class, () -> ps.load(s, sd));
      assertEquals(
          "shape mismatch for 'fc.bias': model expects [2], state dict has [3]", e2.getMessage());
      sd.put("fc.bias", new HostTensor(new long[] {2}, new float[2]));
      sd.put("other.weight", new HostTensor(new long[] {1}, new float[1]));
      var e3 = assertThrows(IllegalArgumentException.class, () -> ps.load(s, sd));
      assertEquals(
          "unexpected weight 'other.weight' in state dict: the model has no such parameter",
          e3.getMessage());
      // a misspelt key: the unexpected one is named with the missing weight it is nearest to
      StateDict typo =
          new StateDict()
              .put("fc.weight", new HostTensor(new long[] {2, 3}, new float[6]))
              .put("fc.bais", new HostTensor(new long[] {2}, new float[2]));
      assertEquals(
          "unexpected weight 'fc.bais' in state dict: the model has no such parameter"
              + " (nearest: 'fc.bias')",
          assertThrows(IllegalArgumentException.class, () -> ps.load(s, typo)).getMessage());
      assertEquals(
          "missing weight 'fc.bias' in state dict (nearest: 'fc.bais')",
          assertThrows(
                  IllegalArgumentException.class, () -> ps.loadSubset(s, typo, p -> p.trainable()))
              .getMessage());
      // official buffers are ignored
      StateDict ok =
          new StateDict()
              .put("fc.weight", new HostTensor(new long[] {2, 3}, new float[6]))
              .put("fc.bias", new HostTensor(new long[] {2}, new float[2]))
              .put("lvl_1L", new HostTensor(new long[] {1, 3}, new float[3]));
      assertDoesNotThrow(() -> ps.load(s, ok));
    }
  }

  @Test
  void groupNormAndLayerNormMatchAJavaReference() {
    int b = 2, h = 2, w = 3, c = 64;
    float[] x = new float[b * h * w * c];
    java.util.SplittableRandom r = new java.util.SplittableRandom(1);
    for (int i = 0; i < x.length; i++) x[i] = (float) (r.nextDouble() * 4 - 1);
    try (Graph g = new Graph();
        Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      ParamStore ps = new ParamStore(tf);
      GroupNorm gn = GroupNorm.normalize(ps, "gn", c);
      var in = tf.constant(reshape4(x, b, h, w, c));
      var y = gn.apply(in);
      var ln = Act.layerNorm(tf, in, 1e-6f);
      ps.initialize(s, 0);
      try (Result res = s.runner().fetch(y).fetch(ln).run()) {
        float[] got = Tensors.floats(res.get(0));
        float[] gotLn = Tensors.floats(res.get(1));
        int cg = c / 32;
        for (int bi = 0; bi < b; bi++)
          for (int gi = 0; gi < 32; gi++) {
            double sum = 0, sq = 0;
            int n = h * w * cg;
            for (int p = 0; p < h * w; p++)
              for (int k = 0; k < cg; k++) sum += x[(bi * h * w + p) * c + gi * cg + k];
            double mean = sum / n;
            for (int p = 0; p < h * w; p++)
              for (int k = 0; k < cg; k++)
                sq += Math.pow(x[(bi * h * w + p) * c + gi * cg + k] - mean, 2);
            double inv = 1 / Math.sqrt(sq / n + 1e-6);
            for (int p = 0; p < h * w; p++)
              for (int k = 0; k < cg; k++) {
                int idx = (bi * h * w + p) * c + gi * cg + k;
                assertEquals((x[idx] - mean) * inv, got[idx], 1e-4);
              }
          }
        for (int row = 0; row < b * h * w; row++) {
          double mean = 0, var = 0;
          for (int k = 0; k < c; k++) mean += x[row * c + k] / c;
          for (int k = 0; k < c; k++) var += Math.pow(x[row * c + k] - mean, 2) / c;
          for (int k = 0; k < c; k++)
            assertEquals((x[row * c + k] - mean) / Math.sqrt(var + 1e-6), gotLn[row * c + k], 1e-4);
        }
      }
    }
  }

  private static float[][][][] reshape4(float[] x, int b, int h, int w, int c) {
    float[][][][] o = new float[b][h][w][c];
    for (int i = 0; i < x.length; i++)
      o[i / (h * w * c)][(i / (w * c)) % h][(i / c) % w][i % c] = x[i];
    return o;
  }

  /**
   * The tanh GELU against the formula in float64, per element within the float32 error bound of the
   * graph (u = 2^-24): the argument c·(x + 0.044715·x³) carries at most 7 roundings (relative 7u,
   * moved through tanh by its slope sech²), TF's tanh (Eigen's rational approximation, a few ulps)
   * at most 8u absolute, then 1 + t and the product one rounding each; 1.5 times that.
   */
  @Test
  void geluTanhMatchesFormula() {
    try (Graph g = new Graph();
        Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      var y = Act.geluTanh(tf, tf.constant(new float[] {-2f, -0.5f, 0f, 1f, 3f}));
      try (Result res = s.runner().fetch(y).run()) {
        float[] got = Tensors.floats(res.get(0));
        float[] xs = {-2f, -0.5f, 0f, 1f, 3f};
        for (int i = 0; i < xs.length; i++) {
          double x = xs[i];
          double inner = Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x);
          double t = Math.tanh(inner), want = 0.5 * x * (1 + t), u = 0x1p-24;
          double sech2 = 1 - t * t;
          double tol =
              1.5
                  * (0.5 * Math.abs(x) * (8 * u + sech2 * 7 * u * Math.abs(inner) + u * (1 + t))
                      + u * Math.abs(want));
          assertEquals(want, got[i], tol, "gelu(" + x + ")");
        }
      }
    }
  }
}
