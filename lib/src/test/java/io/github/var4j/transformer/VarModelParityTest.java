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
import org.tensorflow.types.TInt32;

/** VAR forward against the official fixtures (var/, var_saln/) at the manifest tolerances. */
class VarModelParityTest {

  private static Operand<TFloat32> xConst(Ops tf, VarConfig cfg) {
    return tf.constant(Shape.of(TinyFixture.get().B(), cfg.L() - cfg.firstL(), cfg.cvae()), DataBuffers.of(TinyFixture.x(), true, false));
  }

  @Test
  void forwardMatchesOfficialCaptures() {
    VarConfig cfg = TinyFixture.get().varConfig();
    try (Graph g = new Graph(); Session s = Sessions.create(g)) {
      Ops tf = Ops.create(g);
      ParamStore ps = new ParamStore(tf);
      VarModel m = new VarModel(ps, cfg);
      VarModel.Forward f = m.forward(tf.constant(TinyFixture.labelFile()), xConst(tf, cfg), false, false);
      ps.load(s, TinyFixture.varParams());
      List<String> files = new ArrayList<>(List.of("var/cond_BD.npy", "var/x0_BLC.npy"));
      List<Operand<TFloat32>> ops = new ArrayList<>(List.of(f.condBD(), f.x0BLC()));
      for (int i = 0; i < cfg.depth(); i++) {
        AdaLNSelfAttn.Out o = f.blocks().get(i);
        files.addAll(List.of("var/block" + i + "_ada_lin_out.npy", "var/block" + i + "_attn_out.npy",
            "var/block" + i + "_ffn_out.npy", "var/block" + i + "_out.npy"));
        ops.addAll(List.of(o.adaLinOut(), o.attnOut(), o.ffnOut(), o.out()));
      }
      files.addAll(List.of("var/head_nm_out.npy", "var/logits_BLV.npy"));
      ops.addAll(List.of(f.headNmOut(), f.logitsBLV()));
      Session.Runner r = s.runner();
      ops.forEach(r::fetch);
      r.fetch(f.labelB());
      try (Result res = r.run()) {
        for (int i = 0; i < files.size(); i++) {
          assertArrayEquals(Fixtures.shape(files.get(i)), res.get(i).shape().asArray(), files.get(i) + " shape");
          double d = Fixtures.assertMatches(files.get(i), Tensors.floats(res.get(i)));
          System.out.printf("%-28s max|diff| %.3e%n", files.get(i), d);
        }
        assertArrayEquals(TinyFixture.labelFile(), Tensors.ints(res.get(files.size())), "no condition dropout");
      }
    }
  }

  @Test
  void sharedAdaLNForwardMatchesOfficialLogits() {
    VarConfig cfg = TinyFixture.get().salnVarConfig();
    try (Graph g = new Graph(); Session s = Sessions.create(g)) {
      Ops tf = Ops.create(g);
      ParamStore ps = new ParamStore(tf);
      VarModel m = new VarModel(ps, cfg);
      VarModel.Forward f = m.forward(tf.constant(TinyFixture.labelFile()), xConst(tf, cfg), false, false);
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
    try (Graph g = new Graph(); Session s = Sessions.create(g)) {
      Ops tf = Ops.create(g);
      ParamStore ps = new ParamStore(tf);
      VarModel m = new VarModel(ps, cfg);
      var sw = tf.placeholderWithDefault(tf.constant(false), Shape.scalar());
      VarModel.Forward f = m.forward(tf.constant(TinyFixture.labelFile()), xConst(tf, cfg), sw, null);
      ps.load(s, TinyFixture.varParams());
      try (Result res = s.runner().fetch(f.labelB()).run()) {
        assertArrayEquals(TinyFixture.labelFile(), Tensors.ints(res.get(0)));
      }
      try (var on = org.tensorflow.types.TBool.scalarOf(true);
          Result res = s.runner().feed(sw, on).fetch(f.labelB()).fetch(f.condBD()).run()) {
        assertArrayEquals(new int[] {10, 10}, Tensors.ints(res.get(0)));
        float[] cond = Tensors.floats(res.get(1));
        float[] nullRow = java.util.Arrays.copyOfRange(TinyFixture.varParams().get("class_emb.weight").data(), 10 * 64, 11 * 64);
        assertArrayEquals(nullRow, java.util.Arrays.copyOfRange(cond, 0, 64));
        assertArrayEquals(nullRow, java.util.Arrays.copyOfRange(cond, 64, 128));
      }
    }
  }

  @Test
  void dropPathIsIdentityWhenOffAndDropsWholeSamplesWhenOn() {
    // a large rate makes dropped samples likely; per sample each branch is either 0 or scaled by 1/keep
    VarConfig cfg = TinyFixture.get().varConfig().withDropPathRate(0.9);
    try (Graph g = new Graph(); Session s = Sessions.create(g)) {
      Ops tf = Ops.create(g);
      ParamStore ps = new ParamStore(tf);
      VarModel m = new VarModel(ps, cfg);
      var sw = tf.placeholderWithDefault(tf.constant(false), Shape.scalar());
      VarModel.Forward f = m.forward(tf.constant(TinyFixture.labelFile()), xConst(tf, cfg), null, sw);
      ps.load(s, TinyFixture.varParams());
      try (Result res = s.runner().fetch(f.logitsBLV()).run()) {
        Fixtures.assertMatches("var/logits_BLV.npy", Tensors.floats(res.get(0)));
      }
      // block 1 has rate 0.9 (linspace(0, 0.9, 2)), block 0 rate 0. Per sample, block 1 computes
      // out = in + m1 * attn * gamma1 + m2 * ffn * gamma2 with m1, m2 in {0, 1/keep}: find the combination.
      AdaLNSelfAttn.Out b1 = f.blocks().get(1);
      float scaleKept = 1f / 0.1f;
      int dropped = 0, kept = 0;
      for (int rep = 0; rep < 6; rep++) {
        try (var on = org.tensorflow.types.TBool.scalarOf(true);
            Result res = s.runner().feed(sw, on).fetch(f.blocks().get(0).out()).fetch(b1.out())
                .fetch(b1.attnOut()).fetch(b1.ffnOut()).fetch(b1.adaLinOut()).run()) {
          float[] in = Tensors.floats(res.get(0)), out = Tensors.floats(res.get(1)), at = Tensors.floats(res.get(2)),
              ff = Tensors.floats(res.get(3)), ada = Tensors.floats(res.get(4));
          for (int b = 0; b < 2; b++) {
            boolean found = false;
            for (float m1 : new float[] {0, scaleKept}) {
              for (float m2 : new float[] {0, scaleKept}) {
                double worst = 0;
                for (int t = 0; t < 30; t++) {
                  for (int c = 0; c < 64; c++) {
                    int i = (b * 30 + t) * 64 + c;
                    double expect = in[i] + m1 * at[i] * ada[b * 384 + c] + m2 * ff[i] * ada[b * 384 + 64 + c];
                    worst = Math.max(worst, Math.abs(out[i] - expect));
                  }
                }
                if (worst < 1e-4) {
                  found = true;
                  if (m1 == 0) dropped++;
                  else kept++;
                }
              }
            }
            assertTrue(found, "sample " + b + " of run " + rep + " is no 0 / 1/keep combination of the branches");
          }
        }
      }
      assertTrue(dropped > 0 && kept > 0, "rate 0.9 over 12 samples: dropped " + dropped + ", kept " + kept);
    }
  }

  @Test
  void rejectsWrongInputShapes() {
    VarConfig cfg = TinyFixture.get().varConfig();
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      VarModel m = new VarModel(new ParamStore(tf), cfg);
      var label = tf.constant(new int[] {1, 2});
      var e1 = assertThrows(IllegalArgumentException.class,
          () -> m.forward(label, tf.constant(new float[2][30][8]), false, false));
      assertEquals("x_BLCv_wo_first_l must have shape (B, 29, 8), got [2, 30, 8]", e1.getMessage());
      var e2 = assertThrows(IllegalArgumentException.class,
          () -> m.forward(label, tf.constant(new float[2][29][4]), false, false));
      assertEquals("x_BLCv_wo_first_l must have shape (B, 29, 8), got [2, 29, 4]", e2.getMessage());
      var e3 = assertThrows(IllegalArgumentException.class,
          () -> m.forward(tf.constant(new int[] {1, 2, 3}), tf.constant(new float[2][29][8]), false, false));
      assertEquals("label_B has batch size 3 but x_BLCv_wo_first_l has 2", e3.getMessage());
    }
  }

  @Test
  void feedingHelpersRejectBadLabelsTargetsAndLengths() {
    VarConfig cfg = TinyFixture.get().varConfig();
    var e1 = assertThrows(IllegalArgumentException.class, () -> VarInputs.labels(cfg, new int[] {3, 10}));
    assertEquals("label 10 at batch index 1 is outside [0, 10)", e1.getMessage());
    var e2 = assertThrows(IllegalArgumentException.class, () -> VarInputs.labels(cfg, new int[] {-1}));
    assertEquals("label -1 at batch index 0 is outside [0, 10)", e2.getMessage());
    try (TInt32 ok = VarInputs.labelsOrNull(cfg, new int[] {10, 0})) {
      assertArrayEquals(new int[] {10, 0}, Tensors.ints(ok));
    }
    var e3 = assertThrows(IllegalArgumentException.class, () -> VarInputs.x(cfg, 2, new float[2 * 30 * 8]));
    assertEquals("x_BLCv_wo_first_l must hold B*(L-firstL)*Cvae = 2*29*8 = 464 floats, got 480", e3.getMessage());
    int[] t = new int[60];
    t[35] = 64;
    var e4 = assertThrows(IllegalArgumentException.class, () -> VarInputs.targets(cfg, 2, t));
    assertEquals("target token 64 at (1, 5) is outside [0, 64)", e4.getMessage());
    var e5 = assertThrows(IllegalArgumentException.class, () -> VarInputs.targets(cfg, 2, new int[59]));
    assertEquals("target must hold B*L = 2*30 = 60 ids, got 59", e5.getMessage());
  }
}
