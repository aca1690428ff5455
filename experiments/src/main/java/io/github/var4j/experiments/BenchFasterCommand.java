package io.github.var4j.experiments;

import io.github.var4j.app.FasterSamplingBenchmark;
import io.github.var4j.app.SamplingComplexity;
import io.github.var4j.scale.ScaleSchedule;
import io.github.var4j.transformer.TokenOrder;
import io.github.var4j.transformer.VarConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Times the faster samplers (token pruning, collaborative decoding) on random VARs (default: a d16
 * drafter and a d12 refiner at 256 px; the official shapes with {@code --vocab 4096 --cvae 32
 * --classes 1000}) against the drafter's plain sampler; {@link FasterSamplingBenchmark} does the
 * work.
 */
@Command(name = "bench-faster")
public final class BenchFasterCommand extends Var4jCommand {
  @Option(names = "--side")
  int side = 16;

  @Option(names = "--depth")
  int depth = 16;

  @Option(names = "--refiner-depth")
  int refinerDepth = 12;

  @Option(names = "--switch-scales", split = ",", defaultValue = "8,9,10")
  int[] switchScales;

  @Mixin RandomModelArgs shape = new RandomModelArgs();

  @Option(names = "--batches", split = ",", defaultValue = "1,8")
  int[] batches;

  @Option(names = "--keep", split = ",", defaultValue = "1,0.75,0.5,0.25")
  double[] keep;

  @Option(names = "--pruned-scales")
  int prunedScales = 2;

  @Mixin TimingArgs timing = new TimingArgs(true);

  @Mixin TagArgs tag = new TagArgs("faster-official");

  @Mixin SamplingArgs sampling = new SamplingArgs();

  @Mixin OutputArgs output = new OutputArgs();

  @Mixin ResultsArgs results = new ResultsArgs();

  @Override
  Integer run() throws Exception {
    ScaleSchedule pns = Check.value("--side", () -> SamplingComplexity.varSchedule(side));
    Check.positive("--depth", depth);
    Check.nonNegative("--refiner-depth", refinerDepth);
    List<Integer> bs = new ArrayList<>();
    Check.nonEmpty("--batches", batches.length);
    for (int b : batches) bs.add(Check.positive("--batches", b));
    List<Double> ks = new ArrayList<>();
    for (double f : keep) ks.add(Check.positiveFraction("--keep", f));
    int k = pns.K();
    Check.index("--pruned-scales", prunedScales, 1, k, "a scale count");
    List<Integer> from = new ArrayList<>();
    for (int s : switchScales) from.add(Check.index("--switch-scales", s, 2, k + 1, "a scale"));
    SamplingComplexity.Model drafter = official(depth);
    VarConfig refiner =
        refinerDepth == 0 ? null : official(refinerDepth).config(pns, TokenOrder.NEXT_SCALE);
    Path csv = output.results(results).resolve(tag.value() + ".csv");
    SamplingComplexity bench =
        new SamplingComplexity(
            drafter, sampling.options(), timing.warmup, timing.repeats, System.out);
    System.out.printf(
        "[faster] drafter d%d, refiner %s, side %d (%s); %d CPU cores; %s%n",
        depth,
        refiner == null ? "none" : "d" + refinerDepth,
        side,
        pns,
        Runtime.getRuntime().availableProcessors(),
        csv);
    FasterSamplingBenchmark.runAll(
        bench,
        side,
        bs,
        new FasterSamplingBenchmark.Plan(ks, prunedScales, refiner, from),
        csv,
        System.out);
    System.out.println("[faster] wrote " + csv);
    return 0;
  }

  /** The official rule: width 64·depth, depth heads. */
  private SamplingComplexity.Model official(int d) {
    return new SamplingComplexity.Model(d, 64 * d, d, shape.vocab, shape.cvae, shape.classes);
  }
}
