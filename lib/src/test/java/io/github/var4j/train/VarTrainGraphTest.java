package io.github.var4j.train;

import static org.junit.jupiter.api.Assertions.*;

import io.github.var4j.nn.Param;
import io.github.var4j.nn.Sessions;
import io.github.var4j.nn.Tensors;
import io.github.var4j.testutil.Fixtures;
import io.github.var4j.transformer.MiniJson;
import io.github.var4j.transformer.TinyVar;
import io.github.var4j.transformer.VarConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tensorflow.Result;
import org.tensorflow.Session;

/** The VAR training graph against var_train/ (gradients, grad norm, one clipped AdamW step) and var/ losses. */
class VarTrainGraphTest {

  private static VarTrainGraph.Batch batch() {
    return new VarTrainGraph.Batch(TinyVar.labels(), TinyVar.x(), TinyVar.targets());
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> adamwNotes() {
    return (Map<String, Object>) MiniJson.at(MiniJson.parse(Fixtures.manifest()), "notes", "adamw_step");
  }

  @Test
  void gradientsGradNormAndOneAdamWStepMatchOfficial() {
    VarConfig cfg = TinyVar.config();
    try (VarTrainGraph tg = new VarTrainGraph(cfg, VarTrainGraph.Options.official());
        Session s = Sessions.create(tg.graph())) {
      tg.params().initialize(s, 1);
      tg.params().load(s, TinyVar.params());
      AdamW opt = tg.optimizer();
      List<Param> params = opt.params();
      // gradients (TF layout) and grad norm, without stepping
      Session.Runner r = s.runner();
      opt.grads().forEach(r::fetch);
      r.fetch(opt.gradNorm()).fetch(tg.metrics().loss());
      double worstGrad = 0;
      try (var f = tg.feed(r, batch()); Result res = r.run()) {
        for (int i = 0; i < params.size(); i++) {
          Param p = params.get(i);
          String file = "var_train/grad/" + p.name() + ".npy";
          float[] torch = p.layout().toTorch(Tensors.floats(res.get(i)), p.torchShape());
          worstGrad = Math.max(worstGrad, Fixtures.assertMatches(file, torch));
        }
        assertEquals(34, params.size(), "every tiny VAR parameter has a gradient fixture");
        float norm = Tensors.floats(res.get(params.size()))[0];
        double dn = Fixtures.assertMatches("var_train/grad_norm_before_clip.npy", new float[] {norm});
        double dl = Fixtures.assertMatches("var/train_loss_ls0.npy", Tensors.floats(res.get(params.size() + 1)));
        System.out.printf("grads max|diff| %.3e, grad norm %.6f (diff %.3e), loss diff %.3e%n", worstGrad, norm, dn, dl);
      }
      // one clipped AdamW step with the manifest lr / wd
      Map<String, Object> notes = adamwNotes();
      List<Object> lrs = (List<Object>) notes.get("lr"), wds = (List<Object>) notes.get("weight_decay");
      List<Object> names = (List<Object>) notes.get("group_names");
      assertEquals(List.of("ND", "D"), names);
      double lr = (Double) lrs.get(1);
      assertEquals(lr, (Double) lrs.get(0));
      var stats = tg.trainStep(s, batch(), new LrSchedule.Values(lr, (Double) wds.get(1), (Double) wds.get(0)), false);
      assertEquals(1, opt.step());
      Fixtures.assertMatches("var/train_loss_ls0.npy", new float[] {stats.loss()});
      Fixtures.assertMatches("var_train/grad_norm_before_clip.npy", new float[] {stats.gradNorm()});
      var after = tg.params().stateDict(s);
      List<String> files = new ArrayList<>();
      for (String f : Fixtures.manifest().split("\"file\": \"")) {
        if (f.startsWith("var_train/after_step/")) files.add(f.substring(0, f.indexOf('"')));
      }
      assertEquals(9, files.size());
      double worst = 0;
      for (String file : files) {
        String name = file.substring("var_train/after_step/".length(), file.length() - 4);
        worst = Math.max(worst, Fixtures.assertMatches(file, after.get(name).data()));
      }
      System.out.printf("after AdamW step max|diff| %.3e over %d params%n", worst, files.size());
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void decayGroupsEqualOfficialGroups() {
    try (VarTrainGraph tg = new VarTrainGraph(TinyVar.config(), VarTrainGraph.Options.official())) {
      Map<String, Object> groups = (Map<String, Object>) adamwNotes().get("groups");
      List<String> nd = new ArrayList<>(), d = new ArrayList<>();
      for (Param p : tg.optimizer().params()) (AdamW.officialDecay(p) ? d : nd).add(p.name());
      assertEquals(groups.get("ND"), nd);
      assertEquals(groups.get("D"), d);
    }
  }

  @Test
  void lossesWithAndWithoutLabelSmoothingMatchOfficial() {
    VarConfig cfg = TinyVar.config();
    for (double ls : new double[] {0.0, 0.1}) {
      try (VarTrainGraph tg = new VarTrainGraph(cfg, VarTrainGraph.Options.official().withLabelSmoothing(ls));
          Session s = Sessions.create(tg.graph())) {
        tg.params().load(s, TinyVar.params());
        VarTrainGraph.Eval e = tg.evaluate(s, batch());
        String file = ls == 0 ? "var/train_loss_ls0.npy" : "var/train_loss_ls0.1.npy";
        double d = Fixtures.assertMatches(file, new float[] {e.loss()});
        System.out.printf("%s: %.7f (diff %.3e)%n", file, e.loss(), d);
        // metrics recomputed on the host from the official logits
        float[] logits = Fixtures.floats("var/logits_BLV.npy");
        int[] gt = TinyVar.targets();
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
  void feedRejectsLabelsOutsideTheClassRange() {
    try (VarTrainGraph tg = new VarTrainGraph(TinyVar.config(), VarTrainGraph.Options.official());
        Session s = Sessions.create(tg.graph())) {
      tg.params().load(s, TinyVar.params());
      var bad = new VarTrainGraph.Batch(new int[] {3, 12}, TinyVar.x(), TinyVar.targets());
      var e = assertThrows(IllegalArgumentException.class, () -> tg.evaluate(s, bad));
      assertEquals("label 12 at batch index 1 is outside [0, 10)", e.getMessage());
      var e2 = assertThrows(IllegalArgumentException.class,
          () -> tg.trainStep(s, bad, new LrSchedule.Values(1e-3, 0.05, 0), true));
      assertEquals("label 12 at batch index 1 is outside [0, 10)", e2.getMessage());
      assertEquals(0, tg.optimizer().step(), "a rejected batch does not count as a step");
    }
  }
}
