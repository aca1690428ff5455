package io.github.var4j.transformer;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.var4j.nn.Param;
import io.github.var4j.nn.ParamStore;
import io.github.var4j.nn.Sessions;
import io.github.var4j.nn.StateDict;
import io.github.var4j.nn.Tensors;
import io.github.var4j.scale.ScaleSchedule;
import io.github.var4j.testutil.Fixtures;
import io.github.var4j.testutil.TinyFixture;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.hipparchus.distribution.continuous.ChiSquaredDistribution;
import org.hipparchus.distribution.continuous.NormalDistribution;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Parameter names/shapes/order against the official state dicts, parameter counts, and the official
 * init.
 */
class VarModelStructureTest {

  private static List<String> describe(ParamStore ps) {
    List<String> out = new ArrayList<>();
    for (Param p : ps.trainable()) out.add(p.name() + " " + Arrays.toString(p.torchShape()));
    return out;
  }

  @Test
  void d16RegistersExactlyTheRealCheckpointNamesAndShapes() {
    JsonNode json =
        Fixtures.readJson(Fixtures.dir().getParent().resolve("var-real-state-dict.json"));
    List<String> expected = new ArrayList<>();
    for (JsonNode e : json.get("var_d16")) {
      String name = e.get("name").asText();
      if (StateDict.isBuffer(name)) {
        assertEquals("buffer", e.get("kind").asText(), name);
        continue;
      }
      assertEquals("param", e.get("kind").asText(), name);
      long[] shape = new long[e.get("shape").size()];
      for (int i = 0; i < shape.length; i++) shape[i] = e.get("shape").get(i).asLong();
      expected.add(name + " " + Arrays.toString(shape));
    }
    assertEquals(202, expected.size());
    VarConfig cfg = VarConfig.ofDepth(16, 4096, 32, 1000, ScaleSchedule.px256());
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      ParamStore ps = new ParamStore(tf);
      VarModel m = new VarModel(ps, cfg);
      assertEquals(expected, describe(ps), "names, shapes and order of the official state dict");
      assertEquals(310_283_520L, ps.numTrainable());
      assertEquals(json.get("var_d16_num_params").asLong(), ps.numTrainable());
      assertEquals(cfg.numParams(), ps.numTrainable());
      // the forward graph builds with a dynamic batch (no session, no initialisation of 310M
      // parameters)
      var label = tf.placeholder(TInt32.class, Placeholder.shape(Shape.of(-1)));
      var x = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, 679, 32)));
      VarModel.Forward f = m.forward(label, x, true, true);
      assertArrayEquals(new long[] {-1, 680, 4096}, f.logitsBLV().shape().asArray());
      assertEquals(16, f.blocks().size());
    }
  }

  @Test
  void tinyRegistersTheFixtureStateDictInOrder() {
    List<String> expected = new ArrayList<>();
    StateDict fx = TinyFixture.varParams();
    // manifest order = official state-dict order
    for (String file : Fixtures.files("params/var/")) {
      String name = file.substring("params/var/".length(), file.length() - ".npy".length());
      if (!StateDict.isBuffer(name))
        expected.add(name + " " + Arrays.toString(fx.get(name).shape()));
    }
    assertEquals(
        fx.names().stream().filter(n -> !StateDict.isBuffer(n)).count(),
        expected.size(),
        "every parameter of params/var is listed in the manifest");
    try (Graph g = new Graph()) {
      ParamStore ps = new ParamStore(Ops.create(g));
      new VarModel(ps, TinyFixture.get().varConfig());
      assertEquals(expected, describe(ps));
      assertEquals(TinyFixture.get().varConfig().numParams(), ps.numTrainable());
    }
    try (Graph g = new Graph()) {
      ParamStore ps = new ParamStore(Ops.create(g));
      new VarModel(ps, TinyFixture.get().salnVarConfig());
      StateDict saln = TinyFixture.salnVarParams();
      List<String> names = ps.trainable().stream().map(Param::name).toList();
      assertEquals(
          new java.util.TreeSet<>(
              saln.names().stream().filter(n -> !StateDict.isBuffer(n)).toList()),
          new java.util.TreeSet<>(names));
      assertTrue(
          names.indexOf("blocks.0.ada_gss") < names.indexOf("blocks.0.attn.scale_mul_1H11"),
          "ada_gss is a direct parameter of the block: listed before its submodules");
      assertEquals(TinyFixture.get().salnVarConfig().numParams(), ps.numTrainable());
    }
  }

  private static double std(float[] v, int from, int to) {
    double s = 0, ss = 0;
    for (int i = from; i < to; i++) {
      s += v[i];
      ss += (double) v[i] * v[i];
    }
    int n = to - from;
    return Math.sqrt(ss / n - (s / n) * (s / n));
  }

  /** Number of statistical checks of {@link #officialInitialisation} (std checks and the max). */
  private static final int INIT_CHECKS = 20;

  /** False-failure level of each of them: 1e-6 in all. */
  private static final double ALPHA = 1e-6 / INIT_CHECKS;

  /**
   * The sample std of values[from, to) against {@code expected}, at the exact level {@link #ALPHA}:
   * for n normal values (the draws are normal, or truncated at ±2 absolute, beyond 50σ here),
   * n·s²/σ² is chi-square with n - 1 degrees of freedom, so s must lie in {@code σ·sqrt(q/n)} for
   * the quantiles q at ALPHA/2 and 1 - ALPHA/2 (about ±5.6 standard errors, σ/sqrt(2n) each: ±17%
   * for 512 values, ±1.5% for 65,536).
   */
  private static void assertStd(double expected, float[] v, int from, int to, String what) {
    int n = to - from;
    ChiSquaredDistribution chi = new ChiSquaredDistribution(n - 1);
    double lo = expected * Math.sqrt(chi.inverseCumulativeProbability(ALPHA / 2) / n),
        hi = expected * Math.sqrt(chi.inverseCumulativeProbability(1 - ALPHA / 2) / n);
    double s = std(v, from, to);
    assertTrue(
        s >= lo && s <= hi,
        String.format(
            java.util.Locale.ROOT,
            "%s std %.6g of %d values outside [%.6g, %.6g] (expected %.6g)",
            what,
            s,
            n,
            lo,
            hi,
            expected));
  }

  private static void assertStd(double expected, float[] v, String what) {
    assertStd(expected, v, 0, v.length, what);
  }

  /** Entries [from, to) of every block's {@code name}, pooled over the blocks. */
  private static float[] pooled(StateDict sd, int depth, String name, int from, int to) {
    float[] out = new float[depth * (to - from)];
    for (int i = 0; i < depth; i++)
      System.arraycopy(
          sd.get("blocks." + i + "." + name).data(), from, out, i * (to - from), to - from);
    return out;
  }

  /**
   * Official initialisation (models/var.py {@code init_weights}, helpers.py {@code trunc_normal_}):
   * per-name deterministic; each weight's std and the positional tables' largest value are checked
   * at a total false-failure level of 1e-6 ({@link #assertStd}; the largest |x| of n normal values
   * exceeds {@code σ·Φ^-1(1 - α/(2n))} with probability below α).
   */
  @Test
  void officialInitialisation() {
    VarConfig cfg =
        VarConfig.ofDepth(4, 512, 16, 10, ScaleSchedule.of(1, 2, 3, 4)).withEmbedDim(256);
    double std = Math.sqrt(1.0 / 768), c = 256;
    int depth = cfg.depth();
    StateDict sd, again;
    try (Graph g = new Graph();
        Session s = Sessions.create(g)) {
      ParamStore ps = new ParamStore(Ops.create(g));
      new VarModel(ps, cfg);
      ps.initialize(s, 7);
      sd = ps.stateDict(s);
      ps.initialize(s, 7);
      again = ps.stateDict(s);
    }
    for (String n : sd.names())
      assertArrayEquals(sd.get(n).data(), again.get(n).data(), n + " deterministic");
    assertStd(std, sd.get("pos_1LC").data(), "pos_1LC");
    assertStd(std, sd.get("class_emb.weight").data(), "class_emb");
    assertStd(std, sd.get("word_embed.weight").data(), "word_embed");
    assertStd(std, sd.get("blocks.0.attn.mat_qkv.weight").data(), "mat_qkv");
    assertStd(std, sd.get("blocks.3.ffn.fc1.weight").data(), "fc1");
    assertStd(
        std / Math.sqrt(2 * depth),
        sd.get("blocks.1.attn.proj.weight").data(),
        "proj / sqrt(2 depth)");
    assertStd(
        std / Math.sqrt(2 * depth),
        sd.get("blocks.2.ffn.fc2.weight").data(),
        "fc2 / sqrt(2 depth)");
    float[] ada = sd.get("blocks.0.ada_lin.1.weight").data();
    assertStd(std * 1e-5, ada, 0, (int) (2 * c * c), "ada_lin gamma rows");
    assertStd(std * 0.5, ada, (int) (2 * c * c), ada.length, "ada_lin scale/shift rows");
    assertStd(std * 0.5, sd.get("head_nm.ada_lin.1.weight").data(), "head_nm ada_lin");
    assertStd(std * 0.02, sd.get("head.weight").data(), "head");
    for (String n : sd.names()) {
      if (n.endsWith("bias")) {
        for (float x : sd.get(n).data()) assertEquals(0f, x, n);
      }
    }
    for (float x : sd.get("blocks.2.attn.scale_mul_1H11").data())
      assertEquals((float) Math.log(4), x);
    float[] pos = sd.get("pos_1LC").data();
    float maxAbs = 0;
    for (float x : pos) maxAbs = Math.max(maxAbs, Math.abs(x));
    double maxBound =
        std
            * new NormalDistribution(0, 1)
                .inverseCumulativeProbability(1 - ALPHA / (2 * pos.length));
    assertTrue(maxAbs < maxBound, "pos_1LC max |x| " + maxAbs + " >= " + maxBound);

    // initStd override: Linear/Embedding follow it, the positional tables keep sqrt(1/(3C)) (drawn
    // in the constructor)
    try (Graph g = new Graph();
        Session s = Sessions.create(g)) {
      ParamStore ps = new ParamStore(Ops.create(g));
      new VarModel(ps, cfg.withInitStd(0.02).withInitHead(-1));
      ps.initialize(s, 7);
      StateDict o = ps.stateDict(s);
      assertStd(0.02, o.get("blocks.0.ffn.fc1.weight").data(), "fc1 with initStd 0.02");
      assertStd(0.02, o.get("lvl_embed.weight").data(), "lvl_embed with initStd 0.02");
      assertStd(std, o.get("pos_1LC").data(), "pos_1LC keeps sqrt(1/(3C))");
      assertStd(0.02, o.get("head.weight").data(), "head unscaled when initHead < 0");
    }
    // shared AdaLN: ada_gss = randn/sqrt(C), gamma chunks x initAdaLNGamma, others x initAdaLN
    // (pooled over the blocks)
    try (Graph g = new Graph();
        Session s = Sessions.create(g)) {
      ParamStore ps = new ParamStore(Ops.create(g));
      new VarModel(ps, cfg.withSharedAdaLN(true).withInitAdaLNGamma(1e-3));
      ps.initialize(s, 7);
      StateDict o = ps.stateDict(s);
      int ci = (int) c;
      assertStd(1e-3 / 16, pooled(o, depth, "ada_gss", 0, 2 * ci), "ada_gss gamma chunks");
      assertStd(
          0.5 / 16, pooled(o, depth, "ada_gss", 2 * ci, 6 * ci), "ada_gss scale/shift chunks");
      assertStd(
          std, o.get("shared_ada_lin.1.weight").data(), "shared_ada_lin (generic Linear init)");
    }
  }

  @Test
  void blocksStartNearIdentity() {
    // with gamma rows scaled by 1e-5 every residual branch is ~1e-5 of its input
    VarConfig cfg = TinyFixture.get().varConfig();
    try (Graph g = new Graph();
        Session s = Sessions.create(g)) {
      Ops tf = Ops.create(g);
      ParamStore ps = new ParamStore(tf);
      VarModel m = new VarModel(ps, cfg);
      var x =
          tf.constant(
              Shape.of(
                  TinyFixture.get().B(),
                  cfg.patchNums().L() - cfg.patchNums().firstL(),
                  cfg.cvae()),
              org.tensorflow.ndarray.buffer.DataBuffers.of(TinyFixture.x(), true, false));
      VarModel.Forward f = m.forward(tf.constant(TinyFixture.labelFile()), x, false, false);
      ps.initialize(s, 3);
      try (Result r =
          s.runner().fetch(f.x0BLC()).fetch(f.blocks().get(cfg.depth() - 1).out()).run()) {
        float[] x0 = Tensors.floats(r.get(0)), out = Tensors.floats(r.get(1));
        double maxX = 0, maxD = 0;
        for (int i = 0; i < x0.length; i++) {
          maxX = Math.max(maxX, Math.abs(x0[i]));
          maxD = Math.max(maxD, Math.abs(out[i] - x0[i]));
        }
        assertTrue(maxD < 1e-3 * maxX, "blocks change x by " + maxD + " (|x| up to " + maxX + ")");
      }
    }
  }
}
