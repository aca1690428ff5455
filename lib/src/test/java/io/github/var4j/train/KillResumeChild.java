package io.github.var4j.train;

import io.github.var4j.data.ImageDataset;
import io.github.var4j.data.SyntheticShapes;
import io.github.var4j.testutil.TinyVae;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;

/**
 * The tiny training runs of {@link KillResumeTest}, and a main class that runs one of them in a
 * child JVM, sleeping after every step so that the test can kill it between two checkpoints.
 *
 * <p>Usage: {@code java -cp <test classpath> io.github.var4j.train.KillResumeChild var|tokenizer
 * <runDir> <sleepMs>}. Both runs switch every source of randomness on and put checkpoints between
 * the steps where state outside the checkpoint changes: the VAR run has condition dropout, drop
 * path, epochs of 6 batches, evaluations every 7 steps and checkpoints every 10; the tokenizer run
 * has dead-code restarts every 4 steps, the PatchGAN from step 5 and checkpoints every 6.
 */
public final class KillResumeChild {
  private KillResumeChild() {}

  /** Steps of the VAR run; checkpoints every {@value #VAR_CKPT}. */
  static final long VAR_STEPS = 40, VAR_CKPT = 10;

  /** Steps of the tokenizer run; checkpoints every {@value #TOK_CKPT}. */
  static final long TOK_STEPS = 16, TOK_CKPT = 6;

  static VarTrainConfig varConfig() {
    // depth 2 (drop path 0.0083 on block 1), width 32, batch 16 of 96 images, cond drop 0.1, eval
    // every 7 steps on 24
    return VarTrainConfig.builder()
        .depth(2)
        .width(32)
        .heads(2)
        .batchSize(16)
        .steps(VAR_STEPS)
        .peakLr(1e-2)
        .warmupFrac(0.1)
        .wpe(0.01)
        .weightDecay(0.05)
        .clip(2.0)
        .labelSmoothing(0.0)
        .condDropRate(0.1)
        .evalEvery(7)
        .evalImages(24)
        .checkpointEvery(VAR_CKPT)
        .logEvery(10)
        .seed(11)
        .build();
  }

  static TokenizerTrainConfig tokenizerConfig() {
    return TokenizerTrainConfig.builder()
        .batchSize(8)
        .steps(TOK_STEPS)
        .lr(3e-3)
        .warmupSteps(2)
        .weightDecay(0.0)
        .l1Weight(1.0)
        .l2Weight(1.0)
        .vqWeight(1.0)
        .perceptualWeight(0.0)
        .ganWeight(0.1)
        .ganStartStep(5)
        .ganAdaptive(true)
        .deadCodeEvery(4)
        .checkpointEvery(TOK_CKPT)
        .logEvery(4)
        .seed(3)
        .build();
  }

  /** Trains (or resumes) the tiny VAR run in {@code runDir}. */
  static VarTrainer.Summary runVar(Path runDir, StepListener listener, PrintStream log)
      throws IOException {
    VarTrainConfig c = varConfig();
    try (VarTrainer t = new VarTrainer(VarTrainerTest.model(c), c, runDir)) {
      return VarTrainerTest.trainTiny(t, listener, log);
    }
  }

  /** Trains (or resumes) the tiny tokenizer run in {@code runDir}. */
  static TokenizerTrainer.Summary runTokenizer(Path runDir, StepListener listener, PrintStream log)
      throws IOException {
    ImageDataset data = SyntheticShapes.generate(64, 16, 1, 1);
    try (TokenizerTrainer t = new TokenizerTrainer(TinyVae.grey16(), tokenizerConfig(), runDir)) {
      return t.train(data, 16, log, listener);
    }
  }

  public static void main(String[] args) throws Exception {
    if (args.length != 3) {
      System.err.println("usage: KillResumeChild var|tokenizer <runDir> <sleepMs>");
      System.exit(2);
    }
    Path dir = Path.of(args[1]);
    long sleepMs = Long.parseLong(args[2]);
    StepListener slow =
        step -> {
          try {
            Thread.sleep(sleepMs);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        };
    switch (args[0]) {
      case "var" -> runVar(dir, slow, System.out);
      case "tokenizer" -> runTokenizer(dir, slow, System.out);
      default ->
          throw new IllegalArgumentException(
              "unknown run '" + args[0] + "', expected var or tokenizer");
    }
  }
}
