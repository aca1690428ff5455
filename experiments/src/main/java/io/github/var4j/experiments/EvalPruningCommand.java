package io.github.var4j.experiments;

import io.github.var4j.app.QualityRow;
import io.github.var4j.app.QualityTable;
import io.github.var4j.sample.SampleOptions;
import io.github.var4j.sample.TokenPruning;
import io.github.var4j.transformer.VarConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Token pruning at the fine scales (FastVAR, {@link TokenPruning}) measured: the VAR (--var) as it
 * is, then with its last m scales pruned to each keep fraction, scored like the quality table
 * ({@link QualityTable}) with one feature network; then the speed/quality plane at batch size and
 * one image at a time. Resumable: rows in {@code <results>/<tag>.csv} are skipped.
 */
@Command(name = "eval-pruning")
public final class EvalPruningCommand extends FasterSamplingEval {
  public EvalPruningCommand() {
    super("pruning", "Token pruning (FastVAR)");
  }

  @Option(names = "--keep", split = ",", defaultValue = "0.75,0.5,0.25")
  double[] keep;

  @Option(names = "--pruned-scales", split = ",", defaultValue = "1,2")
  int[] prunedScales;

  @Override
  List<QualityRow> rows(SampleOptions opts, VarConfig var) {
    int k = var.patchNums().K();
    Check.nonEmpty("--keep", keep.length);
    Check.nonEmpty("--pruned-scales", prunedScales.length);
    for (double f : keep) Check.positiveFraction("--keep", f);
    for (int m : prunedScales) Check.index("--pruned-scales", m, 1, k, "a scale count");
    List<QualityRow> rows = new ArrayList<>();
    QualityRow plain = new QualityRow("VAR", models.var, models.tokenizer, opts, 1);
    rows.add(plain);
    for (int m : prunedScales)
      for (double f : keep)
        rows.add(
            new QualityRow(
                    String.format(
                        Locale.ROOT, "pruned: last %d scales at keep %s", m, Check.num(f)),
                    models.var,
                    models.tokenizer,
                    opts,
                    1)
                .withPruning(TokenPruning.lastScales(f, m, k)));
    System.out.printf(
        "[eval-pruning] %s (%,d parameters, scales %s)%n",
        models.var, var.numParams(), var.patchNums());
    return rows;
  }
}
