package io.github.var4j.experiments;

import io.github.var4j.app.ComplexityReport;
import io.github.var4j.app.SamplingComplexity;
import io.github.var4j.io.KeyedCsv;
import io.github.var4j.train.VarTrainConfig;
import io.github.var4j.viz.Images;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The complexity claim of the VAR paper measured ({@link SamplingComplexity}): time and FLOPs of
 * sampling one n×n token map in next-scale and in raster order with the same random transformer,
 * for several n and batch sizes; a resumable CSV, the log-log figure and a table of ratios.
 */
@Command(name = "bench-complexity")
public final class BenchComplexityCommand extends Var4jCommand {

  @Option(names = "--sides", split = ",", defaultValue = "4,8,16,32")
  int[] sides;

  @Option(names = "--batches", split = ",", defaultValue = "1,64")
  int[] batches;

  @Mixin SizeArgs size = new SizeArgs(4, 128, 2);

  @Mixin RandomModelArgs shape = new RandomModelArgs();

  @Mixin TimingArgs timing = new TimingArgs(true);

  @Mixin TagArgs tag = new TagArgs("complexity");

  @Mixin SamplingArgs sampling = new SamplingArgs();

  @Mixin OutputArgs output = new OutputArgs();

  @Mixin ResultsArgs results = new ResultsArgs();

  @Mixin FiguresArgs figures = new FiguresArgs();

  @Override
  Integer run() throws Exception {
    Check.nonEmpty("--sides", sides.length);
    List<Integer> ns = new ArrayList<>();
    for (int n : sides) {
      Check.value("--sides", () -> SamplingComplexity.varSchedule(n));
      ns.add(n);
    }
    Check.nonEmpty("--batches", batches.length);
    List<Integer> bs = new ArrayList<>();
    for (int b : batches) bs.add(Check.positive("--batches", b));
    VarTrainConfig model = size.apply(VarTrainConfig.fashionMnistDefault());
    Path csv = output.results(results).resolve(tag.value() + ".csv");
    Path png = output.figures(figures).resolve(tag.value() + ".png");
    SamplingComplexity bench =
        new SamplingComplexity(
            new SamplingComplexity.Model(
                model.depth(),
                model.resolvedWidth(),
                model.resolvedHeads(),
                shape.vocab,
                shape.cvae,
                shape.classes),
            sampling.options(),
            timing.warmup,
            timing.repeats,
            System.out);
    System.out.printf(
        "[complexity] %d CPU cores; results %s (rows already there are kept)%n",
        Runtime.getRuntime().availableProcessors(), csv);
    List<SamplingComplexity.Row> rows = bench.runAll(ns, bs, csv);
    Path slopes = csv.resolveSibling(tag.value() + "-slopes.csv");
    KeyedCsv.write(slopes, ComplexityReport.SLOPE_HEADER, ComplexityReport.slopeRows(rows));
    Images.writePng(ComplexityReport.figure(rows), png);
    System.out.println("[complexity] wrote " + csv + ", " + slopes + " and " + png);
    System.out.print(ComplexityReport.table(rows));
    return 0;
  }
}
