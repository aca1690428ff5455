package io.github.var4j.sample;

import io.github.var4j.nn.GraphRuntime;
import io.github.var4j.nn.ParamStore;
import io.github.var4j.nn.Sessions;
import io.github.var4j.nn.StateDict;
import io.github.var4j.transformer.VarConfig;
import io.github.var4j.transformer.VarModel;
import io.github.var4j.vae.Tokenizer;
import io.github.var4j.vae.VqVae;
import io.github.var4j.vae.VqVaeConfig;
import java.util.function.Consumer;

/**
 * The weights a sampler runs, in one graph runtime: the VAR (official names under {@code var.}),
 * the VQ-VAE ({@code vae.}) with a {@link Tokenizer} on its weights, and any further VAR added for
 * a {@link ModelSchedule} ({@link #addVar}). Built by {@link #load} (strict state dicts) or {@link
 * #randomVar} (a seeded official initialisation, for benchmarks); owned and closed by the sampler
 * it is given to.
 */
public final class SamplerModels implements AutoCloseable {
  final GraphRuntime rt;
  final VarConfig varCfg;
  final VqVaeConfig vaeCfg;
  final ParamStore varPs, vaePs;
  final VarModel var;
  final VqVae vae;
  final Tokenizer tokenizer;

  private SamplerModels(VarConfig varCfg, VqVaeConfig vaeCfg) {
    VarSampler.checkAgree(varCfg, vaeCfg);
    this.varCfg = varCfg;
    this.vaeCfg = vaeCfg;
    this.rt = new GraphRuntime(Sessions::createForSampling);
    try {
      this.varPs = new ParamStore(rt.tf(), "var.");
      this.vaePs = new ParamStore(rt.tf(), "vae.");
      this.var = new VarModel(varPs, varCfg);
      this.vae = new VqVae(vaePs, vaeCfg);
      this.tokenizer = Tokenizer.within(rt, vaePs, vae, Tokenizer.DEFAULT_CHUNK);
    } catch (RuntimeException e) {
      rt.close();
      throw e;
    }
  }

  /**
   * Both official-layout state dicts, loaded strictly ({@link ParamStore#load}).
   *
   * @throws IllegalArgumentException where the tokenizer and the VAR do not fit ({@link
   *     VarSampler#checkAgree}) or a state dict does not fit its model
   */
  public static SamplerModels load(
      VarConfig varCfg, StateDict varSd, VqVaeConfig vaeCfg, StateDict vaeSd) {
    return build(varCfg, vaeCfg, vaeSd, m -> m.varPs.load(m.rt.session(), varSd));
  }

  /** A randomly initialised VAR (official init, seeded) with the given tokenizer weights. */
  public static SamplerModels randomVar(
      VarConfig varCfg, long seed, VqVaeConfig vaeCfg, StateDict vaeSd) {
    return build(varCfg, vaeCfg, vaeSd, m -> m.varPs.initialize(m.rt.session(), seed));
  }

  private static SamplerModels build(
      VarConfig varCfg, VqVaeConfig vaeCfg, StateDict vaeSd, Consumer<SamplerModels> varWeights) {
    return GraphRuntime.initOrClose(
        new SamplerModels(varCfg, vaeCfg),
        m -> {
          varWeights.accept(m);
          m.vaePs.load(m.rt.session(), vaeSd);
        });
  }

  /**
   * Adds another VAR to the graph, its parameters under {@code prefix} (e.g. a collaborative
   * decoding refiner), loaded strictly from {@code sd}.
   *
   * @throws IllegalArgumentException where it does not fit the tokenizer, has other classes or
   *     another token order, or the prefix is taken
   */
  public VarModel addVar(String prefix, VarConfig cfg, StateDict sd) {
    VarModel m = newVar(prefix, cfg);
    m.params().load(rt.session(), sd);
    return m;
  }

  private VarModel newVar(String prefix, VarConfig cfg) {
    VarSampler.checkAgree(cfg, vaeCfg);
    if (cfg.numClasses() != varCfg.numClasses() || cfg.order() != varCfg.order()) {
      String want = varCfg.numClasses() + " classes, " + varCfg.order();
      String got = cfg.numClasses() + " classes, " + cfg.order();
      throw new IllegalArgumentException("an added VAR needs " + want + ", got " + got);
    }
    if (prefix.equals(varPs.prefix()) || prefix.equals(vaePs.prefix()))
      throw new IllegalArgumentException("prefix " + prefix + " is taken");
    return new VarModel(new ParamStore(rt.tf(), prefix), cfg);
  }

  /**
   * Adds a randomly initialised VAR (official init, seeded) under {@code prefix}: a refiner for
   * benchmarks, whose timing does not depend on the weights.
   *
   * @throws IllegalArgumentException as {@link #addVar}
   */
  public VarModel addRandomVar(String prefix, VarConfig cfg, long seed) {
    VarModel m = newVar(prefix, cfg);
    m.params().initialize(rt.session(), seed);
    return m;
  }

  /** The VAR (of {@link #load}). */
  public VarModel var() {
    return var;
  }

  public VarConfig varConfig() {
    return varCfg;
  }

  public VqVaeConfig vaeConfig() {
    return vaeCfg;
  }

  @Override
  public void close() {
    rt.close();
  }
}
