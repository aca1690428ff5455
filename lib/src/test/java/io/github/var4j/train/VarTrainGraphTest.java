package io.github.var4j.train;

import static org.junit.jupiter.api.Assertions.*;

import io.github.var4j.nn.Param;
import io.github.var4j.nn.ParamStore;
import io.github.var4j.nn.StateDict;
import io.github.var4j.nn.Sessions;
import io.github.var4j.nn.Tensors;
import io.github.var4j.testutil.Fixtures;
import io.github.var4j.transformer.MiniJson;
import io.github.var4j.testutil.TinyFixture;
import io.github.var4j.transformer.VarConfig;
import io.github.var4j.transformer.VarModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/** The VAR training graph against var_train/ (gradients, grad norm, one clipped AdamW step) and var/ losses. */
class VarTrainGraphTest {

  private static VarTrainGraph.Batch batch() {
    return new VarTrainGraph.Batch(TinyFixture.labelFile(), TinyFixture.x(), TinyFixture.targets());
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> adamwNotes() {
    return (Map<String, Object>) MiniJson.at(MiniJson.parse(Fixtures.manifest()), "notes", "adamw_step");
  }

  /** The 9 var_train/after_step files, by parameter name. */
  private static List<String> afterStepNames() {
    List<String> names = new ArrayList<>();
    for (String f : Fixtures.manifest().split("\"file\": \"")) {
      if (f.startsWith("var_train/after_step/")) names.add(f.substring("var_train/after_step/".length(), f.indexOf(".npy")));
    }
    assertEquals(9, names.size());
    return names;
  }

  /** Manifest lr and wd of the one AdamW step (notes.adamw_step; groups ND, D). */
  @SuppressWarnings("unchecked")
  private static LrSchedule.Values stepValues() {
    Map<String, Object> notes = adamwNotes();
    List<Object> lrs = (List<Object>) notes.get("lr"), wds = (List<Object>) notes.get("weight_decay");
    assertEquals(List.of("ND", "D"), notes.get("group_names"));
    assertEquals(lrs.get(0), lrs.get(1), "both groups share one lr");
    return new LrSchedule.Values((Double) lrs.get(1), (Double) wds.get(1), (Double) wds.get(0));
  }

  @Test
  void gradientsAndGradNormMatchOfficial() {
    try (VarTrainGraph tg = new VarTrainGraph(TinyFixture.get().varConfig(), VarTrainGraph.Options.official());
        Session s = Sessions.create(tg.graph())) {
      tg.loadWeights(s, TinyFixture.varParams());
      AdamW opt = tg.optimizer();
      List<Param> params = opt.params();
      assertEquals(34, params.size(), "every tiny VAR parameter has a gradient fixture");
      Session.Runner r = s.runner();
      opt.grads().forEach(r::fetch);
      r.fetch(opt.gradNorm()).fetch(tg.metrics().loss());
      double worst = 0;
      try (var f = tg.feed(r, batch()); Result res = r.run()) {
        for (int i = 0; i < params.size(); i++) {
          Param p = params.get(i);
          float[] torch = p.layout().toTorch(Tensors.floats(res.get(i)), p.torchShape()); // Linear: TF (in,out) -> torch
          worst = Math.max(worst, Fixtures.assertMatches("var_train/grad/" + p.name() + ".npy", torch));
        }
        float norm = Tensors.floats(res.get(params.size()))[0];
        double dn = Fixtures.assertMatches("var_train/grad_norm_before_clip.npy", new float[] {norm});
        double dl = Fixtures.assertMatches("var/train_loss_ls0.npy", Tensors.floats(res.get(params.size() + 1)));
        System.out.printf("grads max|diff| %.3e, grad norm %.6f (diff %.3e), loss diff %.3e%n", worst, norm, dn, dl);
      }
    }
  }

  /**
   * AdamW alone: one clipped step driven by exactly the official gradients (loss = sum_p <p, G_p>, so dloss/dp = G_p)
   * must give var_train/after_step at the manifest tolerance, every element.
   */
  @Test
  void adamWStepOnOfficialGradientsMatchesAfterStep() {
    VarConfig cfg = TinyFixture.get().varConfig();
    try (Graph g = new Graph(); Session s = Sessions.create(g)) {
      Ops tf = Ops.create(g);
      ParamStore ps = new ParamStore(tf);
      new VarModel(ps, cfg); // registers the parameters (names, shapes, layouts)
      List<Operand<TFloat32>> terms = new ArrayList<>();
      for (Param p : ps.trainable()) {
        float[] gTf = p.layout().toTf(Fixtures.floats("var_train/grad/" + p.name() + ".npy"), p.torchShape());
        Operand<TFloat32> gc = tf.constant(Shape.of(p.tfShape()), DataBuffers.of(gTf, true, false));
        terms.add(tf.reshape(tf.math.mul(p.value(), gc), tf.constant(new long[] {-1})));
      }
      Operand<TFloat32> loss = tf.reduceSum(tf.concat(terms, tf.constant(0)), tf.constant(0));
      AdamW opt = new AdamW(g, ps, loss, AdamW::officialDecay, AdamW.Config.var());
      ps.initialize(s, 1); // optimizer slots
      ps.load(s, TinyFixture.varParams());
      LrSchedule.Values v = stepValues();
      Session.Runner r = s.runner().fetch(opt.gradNorm());
      try (var f = opt.feed(r, v.lr(), v.wdD(), v.wdND()); Result res = r.run()) {
        Fixtures.assertMatches("var_train/grad_norm_before_clip.npy", Tensors.floats(res.get(0)));
      }
      StateDict after = ps.stateDict(s);
      double worst = 0;
      for (String name : afterStepNames()) {
        worst = Math.max(worst, Fixtures.assertMatches("var_train/after_step/" + name + ".npy", after.get(name).data()));
      }
      System.out.printf("AdamW on official grads: after_step max|diff| %.3e%n", worst);
    }
  }

  /**
   * End to end: our gradients + clip + AdamW in the training graph. Every parameter must equal a float64 torch AdamW
   * (clip_grad_norm_ 2.0, decoupled decay, bias correction) applied to the gradients the graph computed (atol 1e-6),
   * and the official after_step values at the manifest tolerance. The one exception is documented and pinned:
   * where the clipped official gradient is nonzero but below 10 eps (1e-7), Adam's first step lr*g/(|g|+eps) amplifies fp32
   * gradient noise by lr*eps/(|g|+eps)^2 (about 7e3 for blocks.0.attn.mat_qkv.weight[34, 36], g = -2.7e-8: our
   * gradient differs from torch's by 3.5e-10, well inside the gradient tolerance, giving 2.9e-6 after the step).
   * Those elements are held to the float64 reference only, and there must be exactly one of them.
   */
  @Test
  void oneClippedAdamWStepMatchesOfficialAfterStep() {
    VarConfig cfg = TinyFixture.get().varConfig();
    try (VarTrainGraph tg = new VarTrainGraph(cfg, VarTrainGraph.Options.official());
        Session s = Sessions.create(tg.graph())) {
      tg.loadWeights(s, TinyFixture.varParams());
      AdamW opt = tg.optimizer();
      List<Param> params = opt.params();
      StateDict before = tg.params().stateDict(s);
      LrSchedule.Values v = stepValues();
      // one training step (as trainStep does, switches off) that also fetches the gradients it applies: a separate
      // run may be optimised differently by grappler and differ in the last bits
      Map<String, float[]> grads = new java.util.HashMap<>();
      double normSq = 0;
      Session.Runner r = s.runner();
      opt.grads().forEach(r::fetch);
      r.fetch(tg.metrics().loss()).fetch(opt.gradNorm());
      try (var f = tg.feed(r, batch()); var step = opt.feed(r, v.lr(), v.wdD(), v.wdND()); Result res = r.run()) {
        for (int i = 0; i < params.size(); i++) {
          Param p = params.get(i);
          float[] gt = p.layout().toTorch(Tensors.floats(res.get(i)), p.torchShape());
          grads.put(p.name(), gt);
          for (float x : gt) normSq += (double) x * x;
        }
        Fixtures.assertMatches("var/train_loss_ls0.npy", Tensors.floats(res.get(params.size())));
        Fixtures.assertMatches("var_train/grad_norm_before_clip.npy", Tensors.floats(res.get(params.size() + 1)));
      }
      assertEquals(1, opt.step());
      StateDict after = tg.params().stateDict(s);

      double coef = Math.min(1, 2.0 / (Math.sqrt(normSq) + 1e-6));
      double worstRef = 0;
      for (Param p : params) {
        double wd = AdamW.officialDecay(p) ? v.wdD() : v.wdND();
        float[] ref = torchAdamWFirstStep(before.get(p.name()).data(), grads.get(p.name()), coef, v.lr(), wd);
        worstRef = Math.max(worstRef, Fixtures.assertClose(ref, after.get(p.name()).data(), 1e-6, 0, p.name() + " vs float64 AdamW"));
      }

      double officialNorm = Fixtures.floats("var_train/grad_norm_before_clip.npy")[0];
      double officialCoef = Math.min(1, 2.0 / (officialNorm + 1e-6));
      int illConditioned = 0;
      double worst = 0, worstExcluded = 0;
      for (String name : afterStepNames()) {
        String file = "var_train/after_step/" + name + ".npy";
        float[] expected = Fixtures.floats(file), actual = after.get(name).data();
        float[] gOfficial = Fixtures.floats("var_train/grad/" + name + ".npy");
        Fixtures.Tol tol = Fixtures.tol(file);
        List<Integer> keep = new ArrayList<>();
        for (int i = 0; i < expected.length; i++) {
          if (gOfficial[i] != 0 && Math.abs(gOfficial[i] * officialCoef) < 1e-7) {
            illConditioned++;
            worstExcluded = Math.max(worstExcluded, Math.abs(expected[i] - actual[i]));
          } else {
            keep.add(i);
          }
        }
        float[] e = new float[keep.size()], a = new float[keep.size()];
        for (int k = 0; k < keep.size(); k++) {
          e[k] = expected[keep.get(k)];
          a[k] = actual[keep.get(k)];
        }
        worst = Math.max(worst, Fixtures.assertClose(e, a, tol, file));
      }
      assertEquals(1, illConditioned, "elements with 0 < |clipped official grad| < 1e-7 (first Adam step ill-conditioned)");
      System.out.printf("end-to-end step: vs float64 AdamW(our grads) max|diff| %.3e; vs after_step max|diff| %.3e"
          + " (the ill-conditioned element: %.3e)%n", worstRef, worst, worstExcluded);
    }
  }

  /** torch AdamW, first step (t = 1), after clip coefficient {@code coef}, in float64. */
  private static float[] torchAdamWFirstStep(float[] p0, float[] g, double coef, double lr, double wd) {
    double b1 = 0.9, b2 = 0.95, eps = 1e-8;
    float[] out = new float[p0.length];
    for (int i = 0; i < p0.length; i++) {
      double gi = g[i] * coef;
      double m = (1 - b1) * gi, v = (1 - b2) * gi * gi;
      double p = p0[i] * (1 - lr * wd);
      p -= lr * (m / (1 - b1)) / (Math.sqrt(v / (1 - b2)) + eps);
      out[i] = (float) p;
    }
    return out;
  }

  @Test
  @SuppressWarnings("unchecked")
  void decayGroupsEqualOfficialGroups() {
    try (VarTrainGraph tg = new VarTrainGraph(TinyFixture.get().varConfig(), VarTrainGraph.Options.official())) {
      Map<String, Object> groups = (Map<String, Object>) adamwNotes().get("groups");
      List<String> nd = new ArrayList<>(), d = new ArrayList<>();
      for (Param p : tg.optimizer().params()) (AdamW.officialDecay(p) ? d : nd).add(p.name());
      assertEquals(groups.get("ND"), nd);
      assertEquals(groups.get("D"), d);
    }
  }

  @Test
  void lossesWithAndWithoutLabelSmoothingMatchOfficial() {
    VarConfig cfg = TinyFixture.get().varConfig();
    for (double ls : new double[] {0.0, 0.1}) {
      try (VarTrainGraph tg = new VarTrainGraph(cfg, VarTrainGraph.Options.official().withLabelSmoothing(ls));
          Session s = Sessions.create(tg.graph())) {
        tg.loadWeights(s, TinyFixture.varParams());
        VarTrainGraph.Eval e = tg.evaluate(s, batch());
        String file = ls == 0 ? "var/train_loss_ls0.npy" : "var/train_loss_ls0.1.npy";
        double d = Fixtures.assertMatches(file, new float[] {e.loss()});
        System.out.printf("%s: %.7f (diff %.3e)%n", file, e.loss(), d);
        // metrics recomputed on the host from the official logits
        float[] logits = Fixtures.floats("var/logits_BLV.npy");
        int[] gt = TinyFixture.targets();
        double ce = 0, ceTail = 0;
        int hits = 0, hitsTail = 0;
        for (int t = 0; t < 60; t++) {
          int base = t * 64, arg = 0;
          double max = Double.NEGATIVE_INFINITY, sum = 0;
          for (int v = 0; v < 64; v++) {
            if (logits[base + v] > max) {
              max = logits[base + v];
              arg = v;
            }
          }
          for (int v = 0; v < 64; v++) sum += Math.exp(logits[base + v] - max);
          double nll = Math.log(sum) + max - logits[base + gt[t]];
          ce += nll / 60;
          if (arg == gt[t]) hits++;
          if (t % 30 >= 14) {
            ceTail += nll / 32;
            if (arg == gt[t]) hitsTail++;
          }
        }
        assertEquals(ce, e.ceMean(), 1e-5 * ce);
        assertEquals(ceTail, e.ceTail(), 1e-5 * ceTail);
        assertEquals(100.0 * hits / 60, e.accMean(), 1e-4);
        assertEquals(100.0 * hitsTail / 32, e.accTail(), 1e-4);
        if (ls == 0) assertEquals(e.ceMean(), e.loss(), 1e-5 * e.loss(), "uniform 1/L weights = mean CE");
      }
    }
  }

  @Test
  void stochasticTrainingFromOfficialInitOverfitsOneBatch() {
    // official init + schedule + condition dropout + drop path: the loss on a fixed batch must fall clearly
    VarConfig cfg = TinyFixture.get().varConfig().withDropPathRate(0.1);
    try (VarTrainGraph tg = new VarTrainGraph(cfg, VarTrainGraph.Options.official());
        Session s = Sessions.create(tg.graph())) {
      tg.initialize(s, 42);
      LrSchedule sch = new LrSchedule("lin0", 3e-3, 5, 60, 0.005, 0.1, 0.05, 0.05);
      float first = tg.evaluate(s, batch()).loss();
      assertEquals(Math.log(64), first, 0.05, "near-uniform logits at init (head scaled by 0.02)");
      VarTrainGraph.StepStats last = null;
      for (int it = 0; it < 60; it++) {
        last = tg.trainStep(s, batch(), sch.at(it), true);
        assertTrue(Float.isFinite(last.loss()) && Float.isFinite(last.gradNorm()), "step " + it);
      }
      assertEquals(60, tg.optimizer().step());
      float end = tg.evaluate(s, batch()).loss();
      System.out.printf("overfit one batch: loss %.4f -> %.4f (acc %.1f%%)%n", first, end, tg.evaluate(s, batch()).accMean());
      assertTrue(end < 0.6 * first, "loss " + first + " -> " + end);
    }
  }

  @Test
  void feedRejectsLabelsOutsideTheClassRange() {
    try (VarTrainGraph tg = new VarTrainGraph(TinyFixture.get().varConfig(), VarTrainGraph.Options.official());
        Session s = Sessions.create(tg.graph())) {
      tg.loadWeights(s, TinyFixture.varParams());
      var bad = new VarTrainGraph.Batch(new int[] {3, 12}, TinyFixture.x(), TinyFixture.targets());
      var e = assertThrows(IllegalArgumentException.class, () -> tg.evaluate(s, bad));
      assertEquals("label 12 at batch index 1 is outside [0, 10)", e.getMessage());
      var e2 = assertThrows(IllegalArgumentException.class,
          () -> tg.trainStep(s, bad, new LrSchedule.Values(1e-3, 0.05, 0), true));
      assertEquals("label 12 at batch index 1 is outside [0, 10)", e2.getMessage());
      assertEquals(0, tg.optimizer().step(), "a rejected batch does not count as a step");
    }
  }
}
