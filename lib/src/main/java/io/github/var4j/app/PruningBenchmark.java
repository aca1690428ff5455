package io.github.var4j.app;

import io.github.var4j.io.KeyedCsv;
import io.github.var4j.sample.TokenPruning;
import io.github.var4j.scale.ScaleSchedule;
import io.github.var4j.transformer.TokenOrder;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Sampling time of token pruning ({@link TokenPruning}) on a random next-scale VAR whose schedule
 * ends at side n (e.g. the official d16 at 256 px: n = 16), against the same sampler without
 * pruning, measured in one process by {@link SamplingComplexity} (the transformer's part of
 * sampling: graph runs of token maps, not decoded). Resumable: rows already in the CSV are kept.
 */
public final class PruningBenchmark {
  /** The columns of the results CSV. */
  public static final List<String> HEADER =
      List.of(
          "run",
          "n",
          "batch",
          "keep",
          "pruned_scales",
          "tokens",
          "tokens_computed",
          "median_s_per_batch",
          "s_per_image",
          "speedup",
          "timed_s");

  private PruningBenchmark() {}

  /**
   * Times, for each batch size, the plain sampler and then each keep fraction with the last {@code
   * prunedScales} scales pruned; returns all rows of the CSV.
   *
   * @param keeps fractions in (0, 1]; 1 times the pruning path that keeps every token
   */
  public static Map<String, Map<String, String>> runAll(
      SamplingComplexity bench,
      int n,
      List<Integer> batches,
      List<Double> keeps,
      int prunedScales,
      Path csv,
      PrintStream log)
      throws IOException {
    ScaleSchedule pns = SamplingComplexity.varSchedule(n);
    TokenPruning.lastScales(1, prunedScales, pns.K()); // checks the count before any work
    Map<String, Map<String, String>> done = KeyedCsv.read(csv, HEADER, "pruning timings");
    for (int batch : batches) {
      List<Double> settings = new ArrayList<>();
      settings.add(null); // the plain sampler first: the speed-ups are against it
      settings.addAll(keeps);
      for (Double keep : settings) {
        String key = key(n, batch, keep, prunedScales);
        if (done.containsKey(key)) {
          log.printf("[pruning] %s: done (%s)%n", key, csv);
          continue;
        }
        TokenPruning p = keep == null ? null : TokenPruning.lastScales(keep, prunedScales, pns.K());
        SamplingComplexity.Row r =
            p == null
                ? bench.measure(TokenOrder.NEXT_SCALE, n, batch)
                : bench.measure(TokenOrder.NEXT_SCALE, n, batch, p);
        Map<String, String> plain = done.get(key(n, batch, null, prunedScales));
        double base =
            plain == null ? r.medianSeconds() : Double.parseDouble(plain.get("median_s_per_batch"));
        Map<String, String> row = new LinkedHashMap<>();
        row.put("run", key);
        row.put("n", Integer.toString(n));
        row.put("batch", Integer.toString(batch));
        row.put("keep", keep == null ? "" : Double.toString(keep));
        row.put("pruned_scales", keep == null ? "0" : Integer.toString(prunedScales));
        row.put("tokens", Integer.toString(pns.L()));
        row.put("tokens_computed", Integer.toString(computed(pns, p)));
        Map<String, String> c = r.csv();
        row.put("median_s_per_batch", c.get("median_s_per_batch"));
        row.put("s_per_image", c.get("s_per_image"));
        row.put("speedup", String.format(Locale.ROOT, "%.3f", base / r.medianSeconds()));
        row.put("timed_s", c.get("timed_s"));
        done.put(key, row);
        KeyedCsv.write(csv, HEADER, done);
        log.printf(
            "[pruning] %s: %s s per batch, %s x the plain sampler's speed%n",
            key, row.get("median_s_per_batch"), row.get("speedup"));
      }
    }
    return done;
  }

  /**
   * Tokens that go through the blocks in one sample: all of the unpruned steps, kept of the rest.
   */
  public static int computed(ScaleSchedule pns, TokenPruning p) {
    int sum = 0;
    for (int s = 0; s < pns.K(); s++) {
      int l = pns.pn(s) * pns.pn(s);
      sum += p == null || s < p.firstStep() ? l : p.kept(l);
    }
    return sum;
  }

  /** The CSV key, e.g. {@code n16-b1-plain} or {@code n16-b1-keep0.5-last2}. */
  public static String key(int n, int batch, Double keep, int prunedScales) {
    return "n"
        + n
        + "-b"
        + batch
        + (keep == null ? "-plain" : "-keep" + keep + "-last" + prunedScales);
  }
}
