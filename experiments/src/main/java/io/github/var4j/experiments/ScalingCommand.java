package io.github.var4j.experiments;

import io.github.var4j.scaling.ScalingStudy;
import io.github.var4j.store.ModelDir;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The scaling sweep: trains every depth of the model family on the same tokens (resumable: sizes
 * with results in {@code <results>/scaling/} are skipped, an interrupted one continues from its
 * checkpoint in the run directory), then fits the laws ({@code <results>/scaling/fits.csv}) and
 * draws {@code <figures>/scaling-*.png}.
 */
@Command(name = "scaling")
public final class ScalingCommand extends Var4jCommand {

  @Mixin DataArgs dataArgs = new DataArgs();

  @Option(names = "--depths", split = ",")
  int[] depths;

  @Option(names = "--eval-points")
  int evalPoints = 10;

  @Mixin TokenizerArgs tokenizer = new TokenizerArgs();

  @Option(names = "--fit-only")
  boolean fitOnly;

  @Mixin RunOutputArgs output = new RunOutputArgs();

  @Mixin StepsArgs budget = new StepsArgs();

  @Mixin ClassifierArgs classifier = new ClassifierArgs();

  @Override
  Integer run() throws Exception {
    Check.that(
        evalPoints >= 2,
        "--eval-points must be >= 2 (a fit needs points along training), got " + evalPoints);
    if (depths != null)
      for (int d : depths)
        Check.index("--depths", d, 1, ScalingStudy.MAX_DEPTH + 1, "a depth of the family");
    tokenizer.config();
    ScalingStudy study =
        new ScalingStudy(
            output.results().resolve("scaling"),
            output.run("scaling"),
            output.figures(),
            Quick.enabled());
    if (!fitOnly) {
      study.train(
          dataArgs.load(),
          dataArgs.tag(),
          tokenizer.dir,
          depths != null ? depths : study.defaultDepths(),
          study.base(budget.steps, budget.batch),
          evalPoints,
          System.out);
    }
    boolean fids = classifier.given() || ModelDir.exists(classifier.dir);
    if (fids) classifier.config(); // a given --classifier must hold one
    else
      System.out.println(
          "[scaling] no classifier in "
              + classifier.dir
              + ": the sample grid shows no per-size FIDs");
    study.fitAndDraw(
        tokenizer.dir,
        fids ? classifier.dir : null,
        fids ? dataArgs.load().test() : null,
        System.out);
    return 0;
  }
}
