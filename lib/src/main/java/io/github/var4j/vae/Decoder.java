package io.github.var4j.vae;

import io.github.var4j.nn.Act;
import io.github.var4j.nn.Conv2d;
import io.github.var4j.nn.GroupNorm;
import io.github.var4j.nn.ParamStore;
import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * The VQ-VAE decoder (official basic_vae.py Decoder, using_sa and using_mid_sa True).
 *
 * <pre>
 * conv_in (zChannels -> ch*chMult[-1]); mid: block_1, attn_1, block_2
 * for level i = last..0: (numResBlocks+1) x ResnetBlock(-> ch*chMult[i]), an AttnBlock after each block at the
 *                        last level only; Upsample2x unless i == 0
 * norm_out, silu, conv_out (-> inChannels)
 * </pre>
 *
 * Names under {@code <name>.}: conv_in, mid.{block_1,attn_1,block_2}, up.{i}.block.{j},
 * up.{i}.attn.{j}, up.{i}.upsample.conv, norm_out, conv_out. {@code up} is indexed by level, so
 * {@code up.<last>} runs first.
 *
 * <p>apply: z (B, s, s, zChannels) to (B, s*downsample, s*downsample, inChannels), unclamped.
 */
public final class Decoder {
  private final Ops tf;
  private final Conv2d convIn;
  private final ResnetBlock midBlock1;
  private final AttnBlock midAttn1;
  private final ResnetBlock midBlock2;

  /** Indexed by level i (0 = full resolution), processed from the last level down to 0. */
  private final List<List<ResnetBlock>> blocks = new ArrayList<>();

  private final List<List<AttnBlock>> attns = new ArrayList<>();
  private final List<Upsample> upsamples = new ArrayList<>();
  private final GroupNorm normOut;
  private final Conv2d convOut;

  public Decoder(ParamStore ps, String name, VqVaeConfig cfg) {
    this.tf = ps.tf();
    int levels = cfg.numLevels();
    int blockIn = cfg.levelChannels(levels - 1);
    this.convIn = new Conv2d(ps, name + ".conv_in", cfg.zChannels(), blockIn, 3);
    this.midBlock1 = new ResnetBlock(ps, name + ".mid.block_1", blockIn, blockIn);
    this.midAttn1 = new AttnBlock(ps, name + ".mid.attn_1", blockIn);
    this.midBlock2 = new ResnetBlock(ps, name + ".mid.block_2", blockIn, blockIn);
    for (int i = 0; i < levels; i++) {
      blocks.add(null);
      attns.add(null);
      upsamples.add(null);
    }
    for (int i = levels - 1; i >= 0; i--) {
      String lv = name + ".up." + i;
      int blockOut = cfg.levelChannels(i);
      List<ResnetBlock> bl = new ArrayList<>();
      List<AttnBlock> at = new ArrayList<>();
      for (int j = 0; j < cfg.numResBlocks() + 1; j++) {
        bl.add(new ResnetBlock(ps, lv + ".block." + j, blockIn, blockOut));
        blockIn = blockOut;
        if (i == levels - 1) at.add(new AttnBlock(ps, lv + ".attn." + j, blockIn));
      }
      blocks.set(i, bl);
      attns.set(i, at);
      if (i != 0) upsamples.set(i, new Upsample(ps, lv + ".upsample", blockIn));
    }
    this.normOut = GroupNorm.normalize(ps, name + ".norm_out", blockIn);
    this.convOut = new Conv2d(ps, name + ".conv_out", blockIn, cfg.inChannels(), 3);
  }

  public Operand<TFloat32> apply(Operand<TFloat32> zBHWC) {
    Operand<TFloat32> h = midBlock2.apply(midAttn1.apply(midBlock1.apply(convIn.apply(zBHWC))));
    for (int i = blocks.size() - 1; i >= 0; i--) {
      List<ResnetBlock> bl = blocks.get(i);
      List<AttnBlock> at = attns.get(i);
      for (int j = 0; j < bl.size(); j++) {
        h = bl.get(j).apply(h);
        if (!at.isEmpty()) h = at.get(j).apply(h);
      }
      if (upsamples.get(i) != null) h = upsamples.get(i).apply(h); // doubles H, W
    }
    return convOut.apply(Act.silu(tf, normOut.apply(h))); // (B, S, S, inChannels)
  }
}
