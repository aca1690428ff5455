package io.github.var4j.train;

import io.github.var4j.nn.GraphRuntime;
import io.github.var4j.nn.Param;
import io.github.var4j.nn.ParamStore;
import io.github.var4j.store.RunDir;
import io.github.var4j.vae.VqVaeConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Dead-code restarts of the tokenizer's codebook: every {@code deadCodeEvery} steps, the codes that
 * no last-scale token of the batches since the previous check hit get a random latent vector of the
 * current batch, plus a little noise.
 *
 * <p>The state between checks (the codes hit, the codes re-drawn so far) is resume state ({@link
 * #save}, {@link #restore}); the generator, seeded with seed + 17, is rebuilt by replaying the
 * draws of that many codes, so a resumed run re-draws exactly what an uninterrupted one draws.
 */
final class DeadCodes {
  private final VqVaeConfig vae;
  private final TokenizerTrainConfig cfg;
  private final ParamStore ps;
  private final GraphRuntime rt;
  private final Param codebook; // (V, Cvae)
  private final int positions; // latent vectors per batch: B · latentSide²

  private boolean[] hit; // (V,) codes hit since the last check
  private long draws; // codes re-drawn so far
  private SplittableRandom rng; // advanced by those draws

  DeadCodes(VqVaeConfig vae, TokenizerTrainConfig cfg, ParamStore ps, GraphRuntime rt) {
    this.vae = vae;
    this.cfg = cfg;
    this.ps = ps;
    this.rt = rt;
    this.codebook = ps.param("quantize.embedding.weight");
    this.positions = cfg.batchSize() * vae.latentSide() * vae.latentSide();
    reset();
  }

  /** No code hit, none re-drawn: the state of a fresh run. */
  void reset() {
    hit = new boolean[vae.vocabSize()];
    draws = 0;
    rng = random(0);
  }

  /** Puts the codes hit (a hex bit set) and the codes re-drawn into {@code st}. */
  void save(RunDir.ResumeState st) {
    BitSet bits = new BitSet(hit.length);
    for (int k = 0; k < hit.length; k++) if (hit[k]) bits.set(k);
    st.put("deadCodeHit", HexFormat.of().formatHex(bits.toByteArray())).put("deadCodeDraws", draws);
  }

  /**
   * Restores the state saved by {@link #save}.
   *
   * @throws IOException naming {@code file} if the state is malformed or names a code outside the
   *     codebook
   */
  void restore(RunDir.ResumeState st, Path file) throws IOException {
    BitSet bits;
    try {
      bits = BitSet.valueOf(HexFormat.of().parseHex(st.getString("deadCodeHit")));
    } catch (IllegalArgumentException e) {
      throw new IOException(
          file + ": deadCodeHit of step " + st.step() + " is not a hex bit set: " + e.getMessage(),
          e);
    }
    if (bits.length() > hit.length) {
      throw new IOException(
          file
              + ": the dead-code state of step "
              + st.step()
              + " names code "
              + (bits.length() - 1)
              + ", the codebook has "
              + hit.length
              + " codes");
    }
    for (int k = bits.nextSetBit(0); k >= 0; k = bits.nextSetBit(k + 1)) hit[k] = true;
    draws = st.getLong("deadCodeDraws");
    rng = random(draws);
  }

  /**
   * Marks the codes {@code lastScaleIdx} (B·pn_K²) hit and, when {@code step} is a check (not the
   * last step), re-draws the codes not hit since the previous check from the encoder output {@code
   * f} (B·latentSide²·Cvae, NHWC).
   *
   * @return the codes re-drawn at this step
   */
  int afterStep(long step, int[] lastScaleIdx, float[] f) {
    for (int k : lastScaleIdx) hit[k] = true;
    if (cfg.deadCodeEvery() <= 0 || step % cfg.deadCodeEvery() != 0 || step >= cfg.steps())
      return 0;
    if (f.length != positions * vae.zChannels()) {
      throw new IllegalStateException(
          "encoder output has "
              + f.length / vae.zChannels()
              + " latent vectors, expected "
              + positions
              + " (batch "
              + cfg.batchSize()
              + " x "
              + vae.latentSide()
              + "^2)");
    }
    int n = restart(f);
    draws += n;
    Arrays.fill(hit, false);
    return n;
  }

  /** Codes not hit get a random latent vector of {@code f} plus noise in [-0.005, 0.005). */
  private int restart(float[] f) {
    int cv = vae.zChannels();
    float[] cb = ps.fetchTf(rt.session(), List.of(codebook)).get(codebook); // (V·Cvae)
    int n = 0;
    for (int k = 0; k < hit.length; k++) {
      if (hit[k]) continue;
      int p = rng.nextInt(positions);
      for (int j = 0; j < cv; j++)
        cb[k * cv + j] = f[p * cv + j] + (float) (0.01 * (rng.nextDouble() - 0.5));
      n++;
    }
    if (n > 0) ps.assignTf(rt.session(), Map.of(codebook, cb));
    return n;
  }

  /**
   * The generator after {@code draws} re-drawn codes: seeded with seed + 17, then advanced by
   * replaying the draws of that many codes (a position, then zChannels noise values each), exactly
   * as {@link #restart} made them.
   */
  private SplittableRandom random(long draws) {
    SplittableRandom r = new SplittableRandom(cfg.seed() + 17);
    for (long i = 0; i < draws; i++) {
      r.nextInt(positions);
      for (int j = 0; j < vae.zChannels(); j++) r.nextDouble();
    }
    return r;
  }
}
