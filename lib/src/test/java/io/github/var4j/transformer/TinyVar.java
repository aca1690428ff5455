package io.github.var4j.transformer;

import io.github.var4j.nn.HostTensor;
import io.github.var4j.nn.StateDict;
import io.github.var4j.scale.ScaleSchedule;
import io.github.var4j.testutil.Fixtures;

/** The tiny VAR of the parity fixtures (manifest tiny_config) and its inputs. */
public final class TinyVar {
  private TinyVar() {}

  public static final int B = 2;

  /** depth 2, C 64, 2 heads, V 64, Cvae 8, 10 classes, patch_nums (1,2,3,4), l2-norm attention. */
  public static VarConfig config() {
    return VarConfig.ofDepth(2, 64, 8, 10, ScaleSchedule.of(1, 2, 3, 4)).withEmbedDim(64).withNumHeads(2);
  }

  /** The tiny VQ-VAE of the parity fixtures: ch 32, chMult (1,2), 1 res block, Cvae 8, V 64, 8x8 RGB. */
  public static io.github.var4j.vae.VqVaeConfig vqVaeConfig() {
    return new io.github.var4j.vae.VqVaeConfig(3, 32, new int[] {1, 2}, 1, 8, 64, ScaleSchedule.of(1, 2, 3, 4), 0.25,
        0.5, 4, 8);
  }

  /** The shared-AdaLN variant of {@link #config()}. */
  public static VarConfig salnConfig() {
    return config().withSharedAdaLN(true);
  }

  public static StateDict params() {
    return Fixtures.stateDict("params/var");
  }

  /** params/var without the per-block ada_lin, plus the params/var_saln entries. */
  public static StateDict salnParams() {
    StateDict base = params();
    StateDict out = new StateDict();
    for (String n : base.names()) {
      if (!n.matches("blocks\\.\\d+\\.ada_lin\\..*")) out.put(n, base.get(n));
    }
    StateDict extra = Fixtures.stateDict("params/var_saln");
    for (String n : extra.names()) out.put(n, extra.get(n));
    return out;
  }

  public static int[] labels() {
    return Fixtures.ints("var/label_B.npy");
  }

  /** Teacher-forcing input (B, L-1, Cvae) = vae/x_BLCv_wo_first_l. */
  public static float[] x() {
    return Fixtures.floats("vae/x_BLCv_wo_first_l.npy");
  }

  /** Targets (B, L) = vae/gt_BL. */
  public static int[] targets() {
    return Fixtures.ints("vae/gt_BL.npy");
  }

  /** A copy of a state dict. */
  public static StateDict copy(StateDict sd) {
    StateDict out = new StateDict();
    for (String n : sd.names()) {
      HostTensor t = sd.get(n);
      out.put(n, new HostTensor(t.shape().clone(), t.data().clone()));
    }
    return out;
  }
}
