package io.github.var4j.experiments;

import io.github.var4j.app.PruningBenchmark;
import io.github.var4j.app.SamplingComplexity;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Times token pruning ({@link io.github.var4j.sample.TokenPruning}) on a random VAR (default: d16,
 * 1024 wide, 16 heads, the 256-px schedule 1..16; the official shapes with {@code --vocab 4096
 * --cvae 32 --classes 1000}) against the same sampler without it; {@link PruningBenchmark} does the
 * work.
 */
@Command(name = "bench-pruning")
public final class BenchPruningCommand extends Var4jCommand {
  @Option(names = "--side")
  int side = 16;

  @Option(names = "--depth")
  int depth = 16;

  @Option(names = "--width")
  int width = 0;

  @Option(names = "--heads")
  int heads = 0;

  @Mixin RandomModelArgs shape = new RandomModelArgs();

  @Option(names = "--batches", split = ",", defaultValue = "1,8")
  int[] batches;

  @Option(names = "--keep", split = ",", defaultValue = "1,0.75,0.5,0.25")
  double[] keep;

  @Option(names = "--pruned-scales")
  int prunedScales = 2;

  @Option(names = "--repeats")
  int repeats = 3;

  @Option(names = "--tag")
  String tag = "pruning-official";

  @Mixin SamplingArgs sampling = new SamplingArgs();

  @Mixin OutputArgs output = new OutputArgs();

  @Mixin ResultsArgs results = new ResultsArgs();

  @Override
  public Integer call() throws Exception {
    Check.value("--side", () -> SamplingComplexity.varSchedule(side));
    Check.positive("--depth", depth);
    int c = width == 0 ? 64 * depth : Check.positive("--width", width);
    int h = heads == 0 ? depth : Check.positive("--heads", heads);
    Check.that(c % h == 0, "--width " + c + " does not split into --heads " + h + " heads");
    shape.check();
    Check.nonEmpty("--batches", batches.length);
    List<Integer> bs = new ArrayList<>();
    for (int b : batches) bs.add(Check.positive("--batches", b));
    Check.nonEmpty("--keep", keep.length);
    List<Double> ks = new ArrayList<>();
    for (double f : keep) {
      Check.that(f > 0 && f <= 1, "--keep must be in (0, 1], got " + Check.num(f));
      ks.add(f);
    }
    int k = SamplingComplexity.varSchedule(side).K();
    Check.index("--pruned-scales", prunedScales, 1, k, "a scale count");
    Check.positive("--repeats", repeats);
    Check.tag(tag);
    Path csv = output.results(results).resolve(tag + ".csv");
    SamplingComplexity bench =
        new SamplingComplexity(
            new SamplingComplexity.Model(depth, c, h, shape.vocab, shape.cvae, shape.classes),
            sampling.options(),
            1,
            repeats,
            System.out);
    System.out.printf(
        "[pruning] d%d, C %d, %d heads, side %d, last %d scales pruned; %d CPU cores; %s%n",
        depth, c, h, side, prunedScales, Runtime.getRuntime().availableProcessors(), csv);
    PruningBenchmark.runAll(bench, side, bs, ks, prunedScales, csv, System.out);
    System.out.println("[pruning] wrote " + csv);
    return 0;
  }
}
