package io.github.var4j.experiments;

import io.github.var4j.app.QualityRow;
import io.github.var4j.app.QualityTable;
import io.github.var4j.sample.SampleOptions;
import io.github.var4j.store.ModelKind;
import io.github.var4j.transformer.TokenOrder;
import io.github.var4j.transformer.VarConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Collaborative decoding (CoDe, Chen et al. 2024) measured: the drafter (--var) alone, the refiner
 * alone, and the drafter handing over to the refiner at each switch scale, scored like the quality
 * table ({@link QualityTable}) with one feature network; then the speed/quality plane at batch size
 * and one image at a time. Resumable: rows in {@code <results>/<tag>.csv} are skipped.
 */
@Command(name = "eval-code")
public final class EvalCodeCommand extends FasterSamplingEval {
  public EvalCodeCommand() {
    super("code", "Collaborative decoding");
  }

  @Option(names = "--refiner", paramLabel = "DIR", required = true)
  Path refiner;

  @Option(names = "--switch-scales", split = ",")
  int[] switchScales;

  @Override
  List<QualityRow> rows(SampleOptions opts, VarConfig drafter) throws Exception {
    VarConfig ref = Check.model("--refiner", refiner, ModelKind.VAR, true, "");
    Check.that(
        ref.order() == TokenOrder.NEXT_SCALE,
        "--refiner " + refiner + " is a raster-order model: eval-code needs a next-scale VAR");
    Check.that(
        ref.patchNums().equals(drafter.patchNums()) && ref.numClasses() == drafter.numClasses(),
        "--refiner "
            + refiner
            + ": its scales and classes ("
            + ref.patchNums()
            + ", "
            + ref.numClasses()
            + ") differ from --var's ("
            + drafter.patchNums()
            + ", "
            + drafter.numClasses()
            + ")");
    int k = drafter.patchNums().K();
    List<Integer> from = new ArrayList<>();
    if (switchScales == null) for (int s = 2; s <= k; s++) from.add(s);
    else for (int s : switchScales) from.add(Check.index("--switch-scales", s, 2, k + 1, "scale"));
    List<QualityRow> rows = new ArrayList<>();
    rows.add(new QualityRow("drafter alone", models.var, models.tokenizer, opts, 1));
    rows.add(new QualityRow("refiner alone", refiner, models.tokenizer, opts, 1));
    for (int s : from) {
      String name = "CoDe: refiner from scale " + s + " of " + k;
      rows.add(
          new QualityRow(name, models.var, models.tokenizer, opts, 1).withRefiner(refiner, s - 1));
    }
    System.out.printf(
        "[eval-code] drafter %s (%,d parameters), refiner %s (%,d parameters)%n",
        models.var, drafter.numParams(), refiner, ref.numParams());
    return rows;
  }
}
