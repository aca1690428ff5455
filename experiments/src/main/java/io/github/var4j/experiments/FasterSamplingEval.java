package io.github.var4j.experiments;

import io.github.var4j.app.QualityRow;
import io.github.var4j.app.QualityTable;
import io.github.var4j.sample.SampleOptions;
import io.github.var4j.transformer.TokenOrder;
import io.github.var4j.transformer.VarConfig;
import java.util.List;
import picocli.CommandLine.Mixin;

/**
 * What the commands that measure a faster sampler share ({@code eval-code}, {@code eval-pruning}):
 * the VAR and its tokenizer, the sampling options, the quality table's options and the outputs; a
 * command supplies its rows (the reference first), its default tag and its method's name, and the
 * rows are scored into {@code <results>/<tag>.csv} ({@link QualityTable}, resumable), then drawn as
 * speed/quality planes ({@link QualityArgs#compare}).
 */
abstract class FasterSamplingEval extends Var4jCommand {
  @Mixin ModelArgs models = new ModelArgs();

  @Mixin SamplingArgs sampling = new SamplingArgs();

  @Mixin QualityArgs quality = new QualityArgs();

  @Mixin RunOutputArgs output = new RunOutputArgs();

  @Mixin TagArgs tag;

  /** The method's name in the figures' titles, e.g. "Collaborative decoding". */
  private final String method;

  /**
   * @param defaultTag the default of {@code --tag}
   * @param method the method's name in the figures' titles, e.g. "Collaborative decoding"
   */
  FasterSamplingEval(String defaultTag, String method) {
    this.tag = new TagArgs(defaultTag);
    this.method = method;
  }

  /**
   * The rows to score, the reference first, after the command's own options are checked.
   *
   * @param var the configuration of {@code --var}
   */
  abstract List<QualityRow> rows(SampleOptions opts, VarConfig var) throws Exception;

  @Override
  final Integer run() throws Exception {
    SampleOptions opts = sampling.options();
    quality.check();
    models.check();
    VarConfig var = models.varConfig();
    Check.that(
        var.order() == TokenOrder.NEXT_SCALE,
        "--var "
            + models.var
            + " is a raster-order model: "
            + spec.name()
            + " needs a next-scale VAR");
    List<QualityRow> rows = rows(opts, var);
    System.out.printf(
        "[%s] %d rows, %d per class; features of %s%n",
        spec.name(), rows.size(), quality.perClass(), quality.classifier.dir);
    quality.compare(output, tag.value(), rows, method, rows.get(0).name());
    return 0;
  }
}
