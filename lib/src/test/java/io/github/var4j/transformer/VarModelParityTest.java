package io.github.var4j.transformer;

import static org.junit.jupiter.api.Assertions.*;

import io.github.var4j.nn.ParamStore;
import io.github.var4j.nn.Sessions;
import io.github.var4j.nn.StateDict;
import io.github.var4j.nn.Tensors;
import io.github.var4j.testutil.Fixtures;
import io.github.var4j.testutil.TinyFixture;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/** VAR forward against the official fixtures (var/, var_saln/) at the manifest tolerances. */
class VarModelParityTest {

  private static Operand<TFloat32> xConst(Ops tf, VarConfig cfg) {
    return tf.constant(
        Shape.of(TinyFixture.get().B(), cfg.patchNums().L() - cfg.patchNums().firstL(), cfg.cvae()),
        DataBuffers.of(TinyFixture.x(), true, false));
  }

  @Test
  void forwardMatchesOfficialCaptures() {
    VarConfig cfg = TinyFixture.get().varConfig();
    try (Graph g = new Graph();
        Session s = Sessions.create(g)) {
      Ops tf = Ops.create(g);
      ParamStore ps = new ParamStore(tf);
      VarModel m = new VarModel(ps, cfg);
      VarModel.Forward f =
          m.forward(tf.constant(TinyFixture.labelFile()), xConst(tf, cfg), false, false);
      ps.load(s, TinyFixture.varParams());
      List<String> files = new ArrayList<>(List.of("var/cond_BD.npy", "var/x0_BLC.npy"));
      List<Operand<TFloat32>> ops = new ArrayList<>(List.of(f.condBD(), f.x0BLC()));
      for (int i = 0; i < cfg.depth(); i++) {
        AdaLNSelfAttn.Out o = f.blocks().get(i);
        files.addAll(
            List.of(
                "var/block" + i + "_ada_lin_out.npy",
                "var/block" + i + "_attn_out.npy",
                "var/block" + i + "_ffn_out.npy",
                "var/block" + i + "_out.npy"));
        ops.addAll(List.of(o.adaLinOut(), o.attnOut(), o.ffnOut(), o.out()));
      }
      files.addAll(List.of("var/head_nm_out.npy", "var/logits_BLV.npy"));
      ops.addAll(List.of(f.headNmOut(), f.logitsBLV()));
      Session.Runner r = s.runner();
      ops.forEach(r::fetch);
      r.fetch(f.labelB());
      try (Result res = r.run()) {
        for (int i = 0; i < files.size(); i++) {
          assertArrayEquals(
              Fixtures.shape(files.get(i)), res.get(i).shape().asArray(), files.get(i) + " shape");
          double d = Fixtures.assertMatches(files.get(i), Tensors.floats(res.get(i)));
          System.out.printf("%-28s max|diff| %.3e%n", files.get(i), d);
        }
        assertArrayEquals(
            TinyFixture.labelFile(), Tensors.ints(res.get(files.size())), "no condition dropout");
      }
    }
  }

  @Test
  void sharedAdaLNForwardMatchesOfficialLogits() {
    VarConfig cfg = TinyFixture.get().salnVarConfig();
    try (Graph g = new Graph();
        Session s = Sessions.create(g)) {
      Ops tf = Ops.create(g);
      ParamStore ps = new ParamStore(tf);
      VarModel m = new VarModel(ps, cfg);
      VarModel.Forward f =
          m.forward(tf.constant(TinyFixture.labelFile()), xConst(tf, cfg), false, false);
      StateDict sd = TinyFixture.salnVarParams();
      ps.load(s, sd);
      assertEquals(cfg.numParams(), ps.numTrainable());
      try (Result res = s.runner().fetch(f.logitsBLV()).run()) {
        double d = Fixtures.assertMatches("var_saln/logits_BLV.npy", Tensors.floats(res.get(0)));
        System.out.printf("%-28s max|diff| %.3e%n", "var_saln/logits_BLV.npy", d);
      }
    }
  }

  @Test
  void conditionDropoutUsesNullClassAndIsOffWhenSwitchedOff() {
    // rate 1: every label becomes the null class when the switch is on; unchanged when off
    VarConfig cfg = TinyFixture.get().varConfig().withCondDropRate(1.0);
    try (Graph g = new Graph();
        Session s = Sessions.create(g)) {
      Ops tf = Ops.create(g);
      ParamStore ps = new ParamStore(tf);
      VarModel m = new VarModel(ps, cfg);
      var sw = tf.placeholderWithDefault(tf.constant(false), Shape.scalar());
      VarModel.Forward f =
          m.forward(tf.constant(TinyFixture.labelFile()), xConst(tf, cfg), sw, null);
      ps.load(s, TinyFixture.varParams());
      try (Result res = s.runner().fetch(f.labelB()).run()) {
        assertArrayEquals(TinyFixture.labelFile(), Tensors.ints(res.get(0)));
      }
      try (var on = org.tensorflow.types.TBool.scalarOf(true);
          Result res = s.runner().feed(sw, on).fetch(f.labelB()).fetch(f.condBD()).run()) {
        int b = TinyFixture.get().B(), nc = cfg.numClasses(), c = cfg.embedDim();
        int[] nullLabels = new int[b];
        java.util.Arrays.fill(nullLabels, nc);
        assertArrayEquals(nullLabels, Tensors.ints(res.get(0)));
        float[] cond = Tensors.floats(res.get(1)); // (B, C)
        float[] nullRow =
            java.util.Arrays.copyOfRange(
                TinyFixture.varParams().get("class_emb.weight").data(), nc * c, (nc + 1) * c);
        for (int i = 0; i < b; i++) {
          assertArrayEquals(
              nullRow,
              java.util.Arrays.copyOfRange(cond, i * c, (i + 1) * c),
              "cond of sample " + i);
        }
      }
    }
  }

  /**
   * Drop path is the identity when switched off (the fixture's logits), and when on it drops whole
   * samples ({@link #assertDropsWholeSamples}) on the fixture's own model. With a depth-1 fixture
   * the only block has rate {@code linspace(0, r, 1) = [0]} (the official {@code dpr} list), so the
   * drop check then runs on a two-block model only ({@link
   * #dropPathDropsWholeSamplesOfARandomTwoBlockModel}).
   */
  @Test
  void dropPathIsIdentityWhenOffAndDropsWholeSamplesWhenOn() {
    VarConfig cfg = TinyFixture.get().varConfig().withDropPathRate(0.9);
    try (Graph g = new Graph();
        Session s = Sessions.create(g)) {
      Ops tf = Ops.create(g);
      ParamStore ps = new ParamStore(tf);
      VarModel m = new VarModel(ps, cfg);
      var sw = tf.placeholderWithDefault(tf.constant(false), Shape.scalar());
      VarModel.Forward f =
          m.forward(tf.constant(TinyFixture.labelFile()), xConst(tf, cfg), null, sw);
      ps.load(s, TinyFixture.varParams());
      try (Result res = s.runner().fetch(f.logitsBLV()).run()) {
        Fixtures.assertMatches("var/logits_BLV.npy", Tensors.floats(res.get(0)));
      }
      if (cfg.depth() >= 2) assertDropsWholeSamples(s, cfg, f, sw);
      else System.out.println("depth 1: no block drops (dpr = [0]); see the two-block test");
    }
  }

  /**
   * {@link #assertDropsWholeSamples} on a randomly initialised model of at least two blocks (the
   * fixture's sizes otherwise), so that the drop check also runs for a depth-1 fixture. The gamma
   * rows of ada_lin get init scale 0.5 instead of the official 1e-5, so that each branch's
   * contribution is far above the rounding bound and the kept/dropped combination is unambiguous.
   */
  @Test
  void dropPathDropsWholeSamplesOfARandomTwoBlockModel() {
    VarConfig fx = TinyFixture.get().varConfig();
    VarConfig cfg =
        fx.withDepth(Math.max(2, fx.depth())).withDropPathRate(0.9).withInitAdaLNGamma(0.5);
    try (Graph g = new Graph();
        Session s = Sessions.create(g)) {
      Ops tf = Ops.create(g);
      ParamStore ps = new ParamStore(tf);
      VarModel m = new VarModel(ps, cfg);
      var sw = tf.placeholderWithDefault(tf.constant(false), Shape.scalar());
      VarModel.Forward f =
          m.forward(tf.constant(TinyFixture.labelFile()), xConst(tf, cfg), null, sw);
      ps.initialize(s, 11);
      assertDropsWholeSamples(s, cfg, f, sw);
    }
  }

  /**
   * With the switch on, the last block (rate {@code r = linspace(0, 0.9, depth)[-1] = 0.9})
   * computes per sample {@code out = in + m1·attn·gamma1 + m2·ffn·gamma2} with {@code m1, m2} each
   * 0 or {@code 1/(1 - r)} (timm {@code drop_path}, scale_by_keep): exactly one of the four
   * combinations must fit every element of the sample, and over the draws both outcomes must occur.
   *
   * <p>Fit tolerance, derived: TF computes {@code t = attn·gamma} (1 rounding), {@code t·mask} (1),
   * the mask {@code floor(keep + u)/keep} (1, against this test's {@code 1/(1 - r)} rounded once),
   * and two additions; so {@code |out - expect| <= 8u·(|in| + |t1| + |t2|)} per element, u = 2^-24
   * (a factor 2 over the count of roundings). A wrong combination misses by {@code |t|/(1-r)} of
   * the whole branch, far above that.
   *
   * <p>Sample count, derived: each sample of each run makes two independent draws (the attention
   * and FFN masks have their own site seeds; runs draw fresh keys). With n draws a correct model
   * never keeps with probability {@code r^n} and never drops with {@code (1-r)^n}; runs continue
   * until both are seen, up to the smallest n with {@code r^n + (1-r)^n < 1e-6} (132 at r = 0.9),
   * so a correct model fails with probability below 1e-6 for any batch size and seed, while a model
   * that never drops (or never keeps) always fails.
   */
  private static void assertDropsWholeSamples(
      Session s, VarConfig cfg, VarModel.Forward f, Operand<org.tensorflow.types.TBool> sw) {
    int last = cfg.depth() - 1,
        nb = TinyFixture.get().B(),
        l = cfg.patchNums().L(),
        ch = cfg.embedDim();
    double rate = cfg.dropPathRates()[last];
    assertTrue(rate > 0.5, "the last block drops with rate " + rate);
    AdaLNSelfAttn.Out bl = f.blocks().get(last);
    Operand<TFloat32> blockIn = f.blocks().get(last - 1).out();
    float scaleKept = (float) (1 / (1 - rate));
    double u = Math.ulp(1.0f) / 2;
    int maxDraws = 1;
    while (Math.pow(rate, maxDraws) + Math.pow(1 - rate, maxDraws) >= 1e-6) maxDraws++;
    int dropped = 0, kept = 0, draws = 0, rep = 0;
    while ((dropped == 0 || kept == 0) && draws < maxDraws) {
      try (var on = org.tensorflow.types.TBool.scalarOf(true);
          Result res =
              s.runner()
                  .feed(sw, on)
                  .fetch(blockIn)
                  .fetch(bl.out())
                  .fetch(bl.attnOut())
                  .fetch(bl.ffnOut())
                  .fetch(bl.adaLinOut())
                  .run()) {
        float[] in = Tensors.floats(res.get(0)),
            out = Tensors.floats(res.get(1)),
            at = Tensors.floats(res.get(2)),
            ff = Tensors.floats(res.get(3)),
            ada = Tensors.floats(res.get(4));
        for (int b = 0; b < nb; b++) {
          List<float[]> fits = new ArrayList<>();
          for (float m1 : new float[] {0, scaleKept}) {
            for (float m2 : new float[] {0, scaleKept}) {
              boolean fit = true;
              for (int t = 0; t < l && fit; t++) {
                for (int c = 0; c < ch; c++) {
                  int i = (b * l + t) * ch + c;
                  double t1 = (double) at[i] * ada[b * 6 * ch + c],
                      t2 = (double) ff[i] * ada[b * 6 * ch + ch + c];
                  double expect = in[i] + m1 * t1 + m2 * t2;
                  double tol = 8 * u * (Math.abs(in[i]) + Math.abs(m1 * t1) + Math.abs(m2 * t2));
                  if (!(Math.abs(out[i] - expect) <= tol)) {
                    fit = false;
                    break;
                  }
                }
              }
              if (fit) fits.add(new float[] {m1, m2});
            }
          }
          assertEquals(
              1,
              fits.size(),
              "sample " + b + " of run " + rep + ": combinations of 0 / 1/keep that fit");
          for (float mk : fits.get(0)) {
            if (mk == 0) dropped++;
            else kept++;
            draws++;
          }
        }
      }
      rep++;
    }
    System.out.printf(
        "drop path rate %.3f: %d draws in %d runs (cap %d): dropped %d, kept %d%n",
        rate, draws, rep, maxDraws, dropped, kept);
    assertTrue(
        dropped > 0 && kept > 0,
        "rate " + rate + " over " + draws + " draws: dropped " + dropped + ", kept " + kept);
  }

  @Test
  void rejectsWrongInputShapes() {
    VarConfig cfg = TinyFixture.get().varConfig();
    int b = TinyFixture.get().B(),
        n = cfg.patchNums().L() - cfg.patchNums().firstL(),
        cv = cfg.cvae();
    String want = "x_BLCv_wo_first_l must have shape (B, " + n + ", " + cv + "), got ";
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      VarModel m = new VarModel(new ParamStore(tf), cfg);
      var label = tf.constant(new int[b]);
      var e1 =
          assertThrows(
              IllegalArgumentException.class,
              () -> m.forward(label, tf.constant(new float[b][n + 1][cv]), false, false));
      assertEquals(want + "[" + b + ", " + (n + 1) + ", " + cv + "]", e1.getMessage());
      var e2 =
          assertThrows(
              IllegalArgumentException.class,
              () -> m.forward(label, tf.constant(new float[b][n][cv + 1]), false, false));
      assertEquals(want + "[" + b + ", " + n + ", " + (cv + 1) + "]", e2.getMessage());
      var e3 =
          assertThrows(
              IllegalArgumentException.class,
              () ->
                  m.forward(
                      tf.constant(new int[b + 1]), tf.constant(new float[b][n][cv]), false, false));
      assertEquals(
          "label_B has batch size " + (b + 1) + " but x_BLCv_wo_first_l has " + b, e3.getMessage());
    }
  }

  @Test
  void feedingHelpersRejectBadLabelsTargetsAndLengths() {
    VarConfig cfg = TinyFixture.get().varConfig();
    int nc = cfg.numClasses(),
        v = cfg.vocabSize(),
        l = cfg.patchNums().L(),
        n = l - cfg.patchNums().firstL(),
        cv = cfg.cvae();
    int b = TinyFixture.get().B();
    String range = " is outside [0, " + nc + ")";
    var e1 =
        assertThrows(
            IllegalArgumentException.class,
            () -> VarInputs.checkLabels(cfg, new int[] {0, nc}, false));
    assertEquals("label " + nc + " at batch index 1" + range, e1.getMessage());
    var e2 =
        assertThrows(
            IllegalArgumentException.class,
            () -> VarInputs.checkLabels(cfg, new int[] {-1}, false));
    assertEquals("label -1 at batch index 0" + range, e2.getMessage());
    VarInputs.checkLabels(cfg, new int[] {nc, 0}, true); // the null class is allowed here
    var e3 =
        assertThrows(
            IllegalArgumentException.class, () -> VarInputs.checkX(cfg, b, new float[b * l * cv]));
    assertEquals(
        "x_BLCv_wo_first_l must hold B*(L-firstL)*Cvae = "
            + b
            + "*"
            + n
            + "*"
            + cv
            + " = "
            + b * n * cv
            + " floats, got "
            + b * l * cv,
        e3.getMessage());
    int[] t = new int[b * l];
    t[b * l - 1] = v; // the last token of the last image
    var e4 = assertThrows(IllegalArgumentException.class, () -> VarInputs.checkTargets(cfg, b, t));
    assertEquals(
        "target token " + v + " at (" + (b - 1) + ", " + (l - 1) + ") is outside [0, " + v + ")",
        e4.getMessage());
    var e5 =
        assertThrows(
            IllegalArgumentException.class,
            () -> VarInputs.checkTargets(cfg, b, new int[b * l - 1]));
    assertEquals(
        "target must hold B*L = " + b + "*" + l + " = " + b * l + " ids, got " + (b * l - 1),
        e5.getMessage());
  }
}
