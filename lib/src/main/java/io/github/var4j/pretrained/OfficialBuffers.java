package io.github.var4j.pretrained;

import io.github.var4j.io.SafeTensors;
import io.github.var4j.nn.HostTensor;
import io.github.var4j.nn.StateDict;
import io.github.var4j.transformer.TokenOrder;
import io.github.var4j.transformer.VarConfig;
import io.github.var4j.vae.VqVaeConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The buffers the official models register besides their weights, which the released files carry
 * and {@code load_state_dict(..., strict=True)} expects: derived from a configuration (for {@link
 * OfficialCheckpoints#export}) and checked against it (for {@link OfficialCheckpoints#open}). VAR:
 * {@code lvl_1L} (1, L) int64, {@code attn_bias_for_masking} (1, 1, L, L) and {@code
 * blocks.i.attn.zero_k_bias} (C); VQ-VAE: {@code quantize.ema_vocab_hit_SV} (K, V).
 */
final class OfficialBuffers {
  private OfficialBuffers() {}

  /**
   * The buffers the official VAR registers, derived from the configuration: {@code lvl_1L} (1, L)
   * int64, {@code attn_bias_for_masking} (1, 1, L, L) float32 (0 or −∞) and one {@code
   * blocks.i.attn.zero_k_bias} (C) of zeros per block.
   *
   * @throws IllegalArgumentException for a raster-order model (the official code has none)
   */
  static Map<String, SafeTensors.Tensor> of(VarConfig var) {
    if (var.order() != TokenOrder.NEXT_SCALE)
      throw new IllegalArgumentException(
          "a " + var.order() + "-order model has no counterpart in the official code");
    int L = var.patchNums().L();
    int[] lvl = var.patchNums().levels();
    long[] lv = new long[L];
    float[] mask = new float[L * L];
    for (int q = 0; q < L; q++) {
      lv[q] = lvl[q];
      for (int k = 0; k < L; k++) mask[q * L + k] = lvl[q] >= lvl[k] ? 0f : Float.NEGATIVE_INFINITY;
    }
    Map<String, SafeTensors.Tensor> out = new LinkedHashMap<>();
    out.put("lvl_1L", new SafeTensors.Tensor("I64", new long[] {1, L}, null, lv));
    out.put(
        "attn_bias_for_masking",
        new SafeTensors.Tensor("F32", new long[] {1, 1, L, L}, mask, null));
    for (int i = 0; i < var.depth(); i++) {
      out.put(
          "blocks." + i + ".attn.zero_k_bias",
          new SafeTensors.Tensor(
              "F32", new long[] {var.embedDim()}, new float[var.embedDim()], null));
    }
    return out;
  }

  /**
   * The buffer the official VQ-VAE registers: {@code quantize.ema_vocab_hit_SV} (K, V) of zeros.
   */
  static Map<String, SafeTensors.Tensor> of(VqVaeConfig vae) {
    int K = vae.patchNums().K(), V = vae.vocabSize();
    return Map.of(
        "quantize.ema_vocab_hit_SV",
        new SafeTensors.Tensor("F32", new long[] {K, V}, new float[K * V], null));
  }

  /**
   * Checks the buffers of a VQ-VAE state dict: {@code quantize.ema_vocab_hit_SV} must be (K', V)
   * with finite values ≥ 0 (a training statistic; the official loader replaces it when K' ≠ K, so
   * K' is not checked).
   */
  static void check(VqVaeConfig vae, StateDict sd, Path file) {
    String n = "quantize.ema_vocab_hit_SV";
    if (!sd.contains(n)) return;
    HostTensor t = sd.get(n);
    if (t.shape().length != 2 || t.shape()[1] != vae.vocabSize()) {
      throw new IllegalArgumentException(
          file
              + ": buffer "
              + n
              + " has shape "
              + Arrays.toString(t.shape())
              + ", expected (K, "
              + vae.vocabSize()
              + ")");
    }
    float[] v = t.data();
    for (int i = 0; i < v.length; i++) {
      if (!(v[i] >= 0) || Float.isInfinite(v[i]))
        throw new IllegalArgumentException(
            file + ": buffer " + n + " holds " + v[i] + " at " + i + ", expected finite >= 0");
    }
  }

  /**
   * Checks the buffers of a VAR state dict against the configuration: {@code lvl_1L} (1, L) is the
   * scale of every token; {@code attn_bias_for_masking} (1, 1, L, L) is 0 where a token may attend
   * (its own or a coarser scale) and −∞ elsewhere; every {@code blocks.i.attn.zero_k_bias} (C) is
   * 0.
   */
  static void check(VarConfig var, StateDict sd, Path file) {
    int L = var.patchNums().L();
    int[] lvl = var.patchNums().levels();
    if (sd.contains("lvl_1L")) {
      HostTensor t = sd.get("lvl_1L");
      expectShape(t, new long[] {1, L}, "lvl_1L", file);
      for (int l = 0; l < L; l++) {
        if (t.data()[l] != lvl[l])
          throw new IllegalArgumentException(
              file
                  + ": buffer lvl_1L[0, "
                  + l
                  + "] is "
                  + t.data()[l]
                  + ", token "
                  + l
                  + " is on scale "
                  + lvl[l]
                  + " of "
                  + var.patchNums());
      }
    }
    if (sd.contains("attn_bias_for_masking")) {
      HostTensor t = sd.get("attn_bias_for_masking");
      expectShape(t, new long[] {1, 1, L, L}, "attn_bias_for_masking", file);
      float[] m = t.data();
      for (int q = 0; q < L; q++) {
        for (int k = 0; k < L; k++) {
          float v = m[q * L + k];
          boolean ok = lvl[q] >= lvl[k] ? v == 0f : v == Float.NEGATIVE_INFINITY;
          if (!ok)
            throw new IllegalArgumentException(
                file
                    + ": buffer attn_bias_for_masking[0, 0, "
                    + q
                    + ", "
                    + k
                    + "] is "
                    + v
                    + ", expected "
                    + (lvl[q] >= lvl[k] ? "0" : "-inf")
                    + " (block-causal over the scales of "
                    + var.patchNums()
                    + ")");
        }
      }
    }
    List<String> zero = new ArrayList<>();
    for (String n : sd.names()) if (n.endsWith(".attn.zero_k_bias")) zero.add(n);
    for (String n : zero) {
      HostTensor t = sd.get(n);
      expectShape(t, new long[] {var.embedDim()}, n, file);
      for (float v : t.data())
        if (v != 0f)
          throw new IllegalArgumentException(
              file + ": buffer " + n + " holds " + v + ", expected 0");
    }
  }

  private static void expectShape(HostTensor t, long[] want, String name, Path file) {
    if (!Arrays.equals(t.shape(), want))
      throw new IllegalArgumentException(
          file
              + ": buffer "
              + name
              + " has shape "
              + Arrays.toString(t.shape())
              + ", expected "
              + Arrays.toString(want));
  }
}
