package io.github.var4j.app;

import io.github.var4j.nn.StateDict;
import io.github.var4j.sample.ImageSampler;
import io.github.var4j.sample.ModelSchedule;
import io.github.var4j.sample.RasterSampler;
import io.github.var4j.sample.SamplerModels;
import io.github.var4j.sample.TokenPruning;
import io.github.var4j.sample.TokenSelection;
import io.github.var4j.sample.VarSampler;
import io.github.var4j.store.ModelDir;
import io.github.var4j.store.ModelKind;
import io.github.var4j.store.RunDir;
import io.github.var4j.transformer.TokenOrder;
import io.github.var4j.transformer.VarConfig;
import io.github.var4j.vae.Tokenizer;
import io.github.var4j.vae.VqVaeConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;

/**
 * Finds and opens the trained tokenizer and VAR for the notebooks: the directories named by the
 * environment variables {@code VAR4J_TOKENIZER_DIR} and {@code VAR4J_VAR_DIR}, else the given
 * defaults, and the run directories that trained them ({@code VAR4J_TOKENIZER_RUN_DIR}, {@code
 * VAR4J_VAR_RUN_DIR}, else the defaults). A directory named by a variable must hold a model: a typo
 * is an error, not a silent fall-back to the default. In quick mode ({@code VAR4J_QUICK}, CI) a
 * missing model is replaced by a random one (a randomly initialised default tokenizer, a depth-2
 * VAR), and the log says so; otherwise a missing model is an error that says which command makes
 * it.
 */
public final class TrainedModels {
  private TrainedModels() {}

  /** Directory of an exported tokenizer to use instead of the default. */
  public static final String TOKENIZER_DIR_ENV = "VAR4J_TOKENIZER_DIR";

  /** Directory of an exported VAR to use instead of the default. */
  public static final String VAR_DIR_ENV = "VAR4J_VAR_DIR";

  /** Run directory of the tokenizer's training, instead of the default. */
  public static final String TOKENIZER_RUN_DIR_ENV = "VAR4J_TOKENIZER_RUN_DIR";

  /** Run directory of the VAR's training (and of its token caches), instead of the default. */
  public static final String VAR_RUN_DIR_ENV = "VAR4J_VAR_RUN_DIR";

  /** True when {@code VAR4J_QUICK} is set to anything but empty, "0" or "false". */
  public static boolean quickMode() {
    return isQuick(System.getenv("VAR4J_QUICK"));
  }

  static boolean isQuick(String v) {
    return v != null && !v.isBlank() && !v.equals("0") && !v.equalsIgnoreCase("false");
  }

  /**
   * The tokenizer for notebook 01 and 02: {@code VAR4J_TOKENIZER_DIR} or {@code defaultModelDir},
   * trained in {@code VAR4J_TOKENIZER_RUN_DIR} or {@code defaultRunDir}, with the committed copies
   * of its run under {@code committedResults} (used for the default model only).
   *
   * @throws IOException if {@code VAR4J_TOKENIZER_DIR} names a directory without a model
   */
  public static ModelLocation<VqVaeConfig> tokenizer(
      Path defaultModelDir, Path defaultRunDir, Path committedResults) throws IOException {
    return locate(
        System.getenv(),
        ModelKind.TOKENIZER,
        TOKENIZER_DIR_ENV,
        TOKENIZER_RUN_DIR_ENV,
        defaultModelDir,
        defaultRunDir,
        committedResults);
  }

  /**
   * The VAR for notebook 02: {@code VAR4J_VAR_DIR} or {@code defaultModelDir}, trained in {@code
   * VAR4J_VAR_RUN_DIR} or {@code defaultRunDir}, with the committed copies of its run under {@code
   * committedResults} (used for the default model only).
   *
   * @throws IOException if {@code VAR4J_VAR_DIR} names a directory without a model
   */
  public static ModelLocation<VarConfig> var(
      Path defaultModelDir, Path defaultRunDir, Path committedResults) throws IOException {
    return locate(
        System.getenv(),
        ModelKind.VAR,
        VAR_DIR_ENV,
        VAR_RUN_DIR_ENV,
        defaultModelDir,
        defaultRunDir,
        committedResults);
  }

  static <C> ModelLocation<C> locate(
      Map<String, String> env,
      ModelKind<C> kind,
      String modelVariable,
      String runVariable,
      Path defaultModelDir,
      Path defaultRunDir,
      Path committedResults)
      throws IOException {
    Path modelDir = dir(env, modelVariable, defaultModelDir);
    boolean fromEnv = isSet(env, modelVariable);
    Path runDir = isSet(env, runVariable) ? Path.of(env.get(runVariable)) : defaultRunDir;
    return new ModelLocation<>(
        kind,
        modelDir,
        fromEnv ? modelVariable : null,
        new RunDir(runDir),
        fromEnv ? null : committedResults);
  }

  /**
   * Opens the tokenizer at {@code loc}. In quick mode a missing one is replaced by a randomly
   * initialised Fashion-MNIST default tokenizer (logged); otherwise it is an error that says how to
   * make one.
   */
  public static Tokenizer openTokenizer(ModelLocation<VqVaeConfig> loc, PrintStream log)
      throws IOException {
    return openTokenizer(loc, quickMode(), log);
  }

  static Tokenizer openTokenizer(ModelLocation<VqVaeConfig> loc, boolean quick, PrintStream log)
      throws IOException {
    if (loc.exists()) return Tokenizer.loadNpyDir(loc.config(), loc.modelDir());
    if (!quick) {
      throw new IOException(
          "no trained tokenizer in "
              + loc.modelDir()
              + ": run notebook 01 or `scripts/var4j train-tokenizer` from the repository root first, or set "
              + TOKENIZER_DIR_ENV
              + " (VAR4J_QUICK=1 runs with an untrained tokenizer)");
    }
    log.println(
        "QUICK MODE WITHOUT A TRAINED TOKENIZER: randomly initialised Fashion-MNIST default tokenizer");
    return Tokenizer.initialized(VqVaeConfig.fashionMnistDefault(), 1);
  }

  /**
   * Opens a sampler from the environment's directories or the defaults (relative to the working
   * directory).
   */
  public static VarSampler openSampler(
      Path defaultTokenizerDir, Path defaultVarDir, PrintStream log) throws IOException {
    return openSampler(System.getenv(), quickMode(), defaultTokenizerDir, defaultVarDir, log);
  }

  static VarSampler openSampler(
      Map<String, String> env, boolean quick, Path defaultTok, Path defaultVar, PrintStream log)
      throws IOException {
    Path tokDir = dir(env, TOKENIZER_DIR_ENV, defaultTok);
    Path varDir = dir(env, VAR_DIR_ENV, defaultVar);
    boolean tokReady = ModelDir.exists(tokDir);
    boolean varReady = ModelDir.exists(varDir);
    log.println("quick mode: " + quick);
    log.println("tokenizer " + tokDir + ": " + (tokReady ? "found" : "not found"));
    log.println("VAR       " + varDir + ": " + (varReady ? "found" : "not found"));
    if (!quick && !(tokReady && varReady)) {
      throw new IOException(
          "no trained "
              + (tokReady ? "VAR in " + varDir : "tokenizer in " + tokDir)
              + ": run `scripts/var4j train-tokenizer` (if needed) and `scripts/var4j train-var` from the repository root "
              + "first, or set VAR4J_TOKENIZER_DIR / VAR4J_VAR_DIR (VAR4J_QUICK=1 runs with random models)");
    }
    VqVaeConfig vaeCfg;
    StateDict vaeSd;
    if (tokReady) {
      vaeCfg = ModelDir.config(tokDir, ModelKind.TOKENIZER);
      vaeSd = StateDict.loadNpyDir(tokDir);
    } else {
      vaeCfg = VqVaeConfig.fashionMnistDefault();
      vaeSd = Tokenizer.initializedStateDict(vaeCfg, 1);
      log.println(
          "QUICK MODE WITHOUT A TRAINED TOKENIZER: randomly initialised Fashion-MNIST default tokenizer");
    }
    if (varReady) {
      return VarSampler.load(
          ModelDir.config(varDir, ModelKind.VAR), StateDict.loadNpyDir(varDir), vaeCfg, vaeSd);
    }
    VarConfig varCfg =
        VarConfig.ofDepth(2, vaeCfg.vocabSize(), vaeCfg.zChannels(), 10, vaeCfg.patchNums());
    log.println("QUICK MODE WITHOUT A TRAINED VAR: random depth-2 VAR (its samples are noise)");
    return VarSampler.randomVar(varCfg, 2, vaeCfg, vaeSd);
  }

  /**
   * The sampler of a quality-table row: {@link #openImageSampler(Path, Path, int)}, or with a
   * refiner {@link #openCollaborative}.
   *
   * @throws IOException when a directory holds no model of the right kind
   */
  public static ImageSampler openImageSampler(QualityRow row, int batch) throws IOException {
    if (row.refiner() == null && row.pruning() == null)
      return openImageSampler(row.model(), row.tokenizer(), batch);
    if (row.refiner() != null)
      return openCollaborative(
          row.model(), row.refiner(), row.refinerFrom(), row.pruning(), row.tokenizer(), batch);
    return openPruned(row.model(), row.pruning(), row.tokenizer(), batch);
  }

  /**
   * A next-scale VAR whose fine scales are computed with token pruning ({@link TokenPruning}).
   *
   * @throws IllegalArgumentException for raster-order models or a first pruned step outside [1, K)
   */
  public static VarSampler openPruned(
      Path varDir, TokenPruning pruning, Path tokenizerDir, int batch) throws IOException {
    return openCollaborative(varDir, null, 0, pruning, tokenizerDir, batch);
  }

  private static void checkPruning(TokenPruning pruning, VarConfig cfg) {
    if (pruning != null && pruning.firstStep() >= cfg.numSteps())
      throw new IllegalArgumentException(
          "the first pruned step must be in [1, "
              + cfg.numSteps()
              + "), got "
              + pruning.firstStep());
  }

  /**
   * Collaborative decoding (CoDe): the drafter VAR draws the steps before {@code firstRefinerStep}
   * (the coarse scales), the refiner VAR the rest, in one graph, each with its own KV cache ({@link
   * ModelSchedule#handOff}); both must fit the tokenizer and have the same classes.
   *
   * @param batch images per graph run
   * @throws IllegalArgumentException for raster-order models, models that do not fit, or a first
   *     refiner step outside [1, K)
   */
  public static VarSampler openCollaborative(
      Path drafterDir, Path refinerDir, int firstRefinerStep, Path tokenizerDir, int batch)
      throws IOException {
    return openCollaborative(drafterDir, refinerDir, firstRefinerStep, null, tokenizerDir, batch);
  }

  /**
   * As {@link #openCollaborative(Path, Path, int, Path, int)}, with token pruning of the fine
   * scales ({@code pruning}, or null for none) in whichever model computes them; without a refiner
   * ({@code refinerDir} null, {@code firstRefinerStep} ignored) the VAR alone, pruned.
   */
  public static VarSampler openCollaborative(
      Path drafterDir,
      Path refinerDir,
      int firstRefinerStep,
      TokenPruning pruning,
      Path tokenizerDir,
      int batch)
      throws IOException {
    VarConfig drafter = ModelDir.config(drafterDir, ModelKind.VAR);
    VarConfig refiner = refinerDir == null ? null : ModelDir.config(refinerDir, ModelKind.VAR);
    VqVaeConfig vae = ModelDir.config(tokenizerDir, ModelKind.TOKENIZER);
    if (refiner != null && (firstRefinerStep < 1 || firstRefinerStep >= drafter.numSteps()))
      throw new IllegalArgumentException(
          "the refiner's first step must be in [1, "
              + drafter.numSteps()
              + "), got "
              + firstRefinerStep);
    checkPruning(pruning, drafter);
    StateDict refinerSd = refiner == null ? null : StateDict.loadNpyDir(refinerDir);
    SamplerModels m =
        SamplerModels.load(
            drafter, StateDict.loadNpyDir(drafterDir), vae, StateDict.loadNpyDir(tokenizerDir));
    try {
      ModelSchedule schedule =
          refiner == null
              ? ModelSchedule.single(m.var())
              : ModelSchedule.handOff(
                  m.var(), m.addVar("refiner.", refiner, refinerSd), firstRefinerStep);
      VarSampler s = VarSampler.of(m, schedule, pruning == null ? TokenSelection.ALL : pruning);
      s.setChunkSize(batch);
      return s;
    } catch (RuntimeException e) {
      m.close();
      throw e;
    }
  }

  /**
   * Opens a trained transformer with its tokenizer as an {@link ImageSampler}: a {@link VarSampler}
   * for a next-scale model, a {@link RasterSampler} for the raster-order baseline; either generates
   * {@code batch} images per graph run.
   *
   * @throws IOException when a directory holds no model of the right kind
   */
  public static ImageSampler openImageSampler(Path modelDir, Path tokenizerDir, int batch)
      throws IOException {
    VarConfig cfg = ModelDir.config(modelDir, ModelKind.VAR);
    VqVaeConfig vae = ModelDir.config(tokenizerDir, ModelKind.TOKENIZER);
    StateDict sd = StateDict.loadNpyDir(modelDir), vaeSd = StateDict.loadNpyDir(tokenizerDir);
    if (cfg.order() == TokenOrder.RASTER) return RasterSampler.load(cfg, sd, vae, vaeSd, batch);
    VarSampler s = VarSampler.load(cfg, sd, vae, vaeSd);
    s.setChunkSize(batch);
    return s;
  }

  /**
   * The directory named by {@code variable}, which must exist with a model in it, else the default.
   */
  private static Path dir(Map<String, String> env, String variable, Path dflt) throws IOException {
    if (!isSet(env, variable)) return dflt;
    String v = env.get(variable);
    Path p = Path.of(v);
    if (!ModelDir.exists(p)) {
      throw new IOException(variable + "=" + v + " has no " + ModelDir.CONFIG);
    }
    return p;
  }

  private static boolean isSet(Map<String, String> env, String variable) {
    String v = env.get(variable);
    return v != null && !v.isBlank();
  }
}
