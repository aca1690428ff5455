package io.github.var4j.app;

import io.github.var4j.model.ModelDir;
import io.github.var4j.model.ModelKind;
import io.github.var4j.nn.StateDict;
import io.github.var4j.sample.VarSampler;
import io.github.var4j.transformer.VarConfig;
import io.github.var4j.vae.Tokenizer;
import io.github.var4j.vae.VqVaeConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;

/**
 * Finds and opens the trained tokenizer and VAR for the sampling notebooks: the directories named
 * by the environment variables {@code VAR4J_TOKENIZER_DIR} and {@code VAR4J_VAR_DIR}, else the
 * given defaults. In quick mode ({@code VAR4J_QUICK}, CI) a missing model is replaced by a random
 * one (a randomly initialised default tokenizer, a depth-2 VAR), and the log says so; otherwise a
 * missing model is an error that says which command makes it.
 */
public final class TrainedModels {
  private TrainedModels() {}

  /** True when {@code VAR4J_QUICK} is set to anything but empty, "0" or "false". */
  public static boolean quickMode() {
    return isQuick(System.getenv("VAR4J_QUICK"));
  }

  static boolean isQuick(String v) {
    return v != null && !v.isBlank() && !v.equals("0") && !v.equalsIgnoreCase("false");
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
    Path tokDir = dir(env, "VAR4J_TOKENIZER_DIR", defaultTok);
    Path varDir = dir(env, "VAR4J_VAR_DIR", defaultVar);
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
      try (Tokenizer t = Tokenizer.initialized(vaeCfg, 1)) {
        vaeSd = t.params().stateDict(t.session());
      }
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
   * The directory named by {@code variable}, which must exist with a model in it, else the default.
   */
  private static Path dir(Map<String, String> env, String variable, Path dflt) throws IOException {
    String v = env.get(variable);
    if (v == null || v.isBlank()) return dflt;
    Path p = Path.of(v);
    if (!ModelDir.exists(p)) {
      throw new IOException(variable + "=" + v + " has no " + ModelDir.CONFIG);
    }
    return p;
  }
}
