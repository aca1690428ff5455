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
 * The VQ-VAE encoder (official basic_vae.py Encoder, double_z False, using_sa and using_mid_sa
 * True).
 *
 * <pre>
 * conv_in (inChannels -> ch)
 * for level i: numResBlocks x ResnetBlock(ch*in_ch_mult[i] -> ch*chMult[i]), in_ch_mult = (1,) + chMult,
 *              an AttnBlock after each block at the last level only; Downsample2x unless last level
 * mid: block_1, attn_1, block_2
 * norm_out, silu, conv_out (-> zChannels)
 * </pre>
 *
 * Names under {@code <name>.}: conv_in, down.{i}.block.{j}, down.{i}.attn.{j},
 * down.{i}.downsample.conv, mid.{block_1,attn_1,block_2}, norm_out, conv_out.
 *
 * <p>apply: image (B, S, S, inChannels) to (B, S/downsample, S/downsample, zChannels).
 */
public final class Encoder {
  private final Ops tf;
  private final Conv2d convIn;
  private final List<List<ResnetBlock>> blocks = new ArrayList<>();
  private final List<List<AttnBlock>> attns = new ArrayList<>();
  private final List<Downsample> downsamples = new ArrayList<>();
  private final ResnetBlock midBlock1;
  private final AttnBlock midAttn1;
  private final ResnetBlock midBlock2;
  private final GroupNorm normOut;
  private final Conv2d convOut;

  public Encoder(ParamStore ps, String name, VqVaeConfig cfg) {
    this.tf = ps.tf();
    int levels = cfg.numLevels();
    this.convIn = new Conv2d(ps, name + ".conv_in", cfg.inChannels(), cfg.ch(), 3);
    int blockIn = cfg.ch();
    for (int i = 0; i < levels; i++) {
      String lv = name + ".down." + i;
      int blockOut = cfg.levelChannels(i);
      List<ResnetBlock> bl = new ArrayList<>();
      List<AttnBlock> at = new ArrayList<>();
      for (int j = 0; j < cfg.numResBlocks(); j++) {
        bl.add(new ResnetBlock(ps, lv + ".block." + j, blockIn, blockOut));
        blockIn = blockOut;
        if (i == levels - 1) at.add(new AttnBlock(ps, lv + ".attn." + j, blockIn));
      }
      blocks.add(bl);
      attns.add(at);
      downsamples.add(i != levels - 1 ? new Downsample(ps, lv + ".downsample", blockIn) : null);
    }
    this.midBlock1 = new ResnetBlock(ps, name + ".mid.block_1", blockIn, blockIn);
    this.midAttn1 = new AttnBlock(ps, name + ".mid.attn_1", blockIn);
    this.midBlock2 = new ResnetBlock(ps, name + ".mid.block_2", blockIn, blockIn);
    this.normOut = GroupNorm.normalize(ps, name + ".norm_out", blockIn);
    this.convOut = new Conv2d(ps, name + ".conv_out", blockIn, cfg.zChannels(), 3);
  }

  public Operand<TFloat32> apply(Operand<TFloat32> imgBHWC) {
    Operand<TFloat32> h = convIn.apply(imgBHWC); // (B, S, S, ch)
    for (int i = 0; i < blocks.size(); i++) {
      List<ResnetBlock> bl = blocks.get(i);
      List<AttnBlock> at = attns.get(i);
      for (int j = 0; j < bl.size(); j++) {
        h = bl.get(j).apply(h);
        if (!at.isEmpty()) h = at.get(j).apply(h);
      }
      if (downsamples.get(i) != null) h = downsamples.get(i).apply(h); // halves H, W
    }
    h = midBlock2.apply(midAttn1.apply(midBlock1.apply(h)));
    return convOut.apply(Act.silu(tf, normOut.apply(h))); // (B, h, w, zChannels)
  }
}
