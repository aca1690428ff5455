package io.github.var4j.train;

import io.github.var4j.nn.Param;
import io.github.var4j.nn.Sessions;
import io.github.var4j.nn.Tensors;
import io.github.var4j.testutil.Fixtures;
import io.github.var4j.transformer.TinyVar;
import org.tensorflow.*;

public class GradProbe2 {
  public static void main(String[] a) {
    try (VarTrainGraph tg = new VarTrainGraph(TinyVar.config(), VarTrainGraph.Options.official());
        Session s = Sessions.create(tg.graph())) {
      tg.params().load(s, TinyVar.params());
      AdamW opt = tg.optimizer();
      int idx = 0;
      for (int i = 0; i < opt.params().size(); i++) if (opt.params().get(i).name().equals("blocks.0.attn.mat_qkv.weight")) idx = i;
      Param p = opt.params().get(idx);
      Session.Runner r = s.runner();
      r.fetch(opt.grads().get(idx));
      try (var f = tg.feed(r, new VarTrainGraph.Batch(TinyVar.labels(), TinyVar.x(), TinyVar.targets())); Result res = r.run()) {
        float[] g = p.layout().toTorch(Tensors.floats(res.get(0)), p.torchShape());
        float[] e = Fixtures.floats("var_train/grad/" + p.name() + ".npy");
        System.out.println("ours " + g[2212] + " torch " + e[2212] + " diff " + (g[2212] - e[2212]));
        double md = 0; for (int i = 0; i < g.length; i++) md = Math.max(md, Math.abs(g[i]-e[i]));
        System.out.println("max grad diff in this tensor " + md);
      }
    }
  }
}
