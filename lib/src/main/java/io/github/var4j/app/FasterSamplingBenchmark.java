package io.github.var4j.app;

import io.github.var4j.io.KeyedCsv;
import io.github.var4j.nn.StateDict;
import io.github.var4j.sample.ModelSchedule;
import io.github.var4j.sample.SamplerModels;
import io.github.var4j.sample.TokenPruning;
import io.github.var4j.sample.TokenSelection;
import io.github.var4j.sample.VarSampler;
import io.github.var4j.scale.ScaleSchedule;
import io.github.var4j.transformer.TokenOrder;
import io.github.var4j.transformer.VarConfig;
import io.github.var4j.transformer.VarModel;
import io.github.var4j.vae.VqVaeConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Sampling time of the training-free faster samplers on random next-scale VARs whose schedule ends
 * at side n (e.g. the official 256-px one, n = 16), each against the plain sampler of the drafter
 * in the same process ({@link SamplingComplexity} times the transformer's part of sampling: graph
 * runs of token maps, not decoded): token pruning at the last scales ({@link TokenPruning}) and
 * collaborative decoding with a smaller refiner from a switch scale on ({@link
 * ModelSchedule#handOff}), and the refiner alone. Resumable: rows already in the CSV are kept.
 */
public final class FasterSamplingBenchmark {
  /** The columns of the results CSV. */
  public static final List<String> HEADER =
      List.of(
          "run",
          "method",
          "n",
          "batch",
          "keep",
          "pruned_scales",
          "refiner_from",
          "tokens",
          "tokens_computed",
          "median_s_per_batch",
          "s_per_image",
          "speedup",
          "timed_s");

  /**
   * What to time besides the plain sampler.
   *
   * @param keeps pruning keep fractions in (0, 1] (1 times the pruning path keeping every token)
   * @param prunedScales how many of the last scales are pruned
   * @param refiner the refiner's configuration (same schedule and classes), or null for no CoDe
   *     rows
   * @param switchScales the refiner's first scales, 1-based, each in 2..K
   */
  public record Plan(
      List<Double> keeps, int prunedScales, VarConfig refiner, List<Integer> switchScales) {}

  private FasterSamplingBenchmark() {}

  /**
   * Times, for each batch size, the plain sampler first (the speed-ups are against it), then each
   * pruning setting, then the refiner alone and each CoDe hand-over; returns all rows of the CSV.
   */
  public static Map<String, Map<String, String>> runAll(
      SamplingComplexity bench, int n, List<Integer> batches, Plan plan, Path csv, PrintStream log)
      throws IOException {
    ScaleSchedule pns = SamplingComplexity.varSchedule(n);
    int k = pns.K();
    TokenPruning.lastScales(1, plan.prunedScales(), k); // checks the count before any work
    for (int s : plan.switchScales())
      if (s < 2 || s > k)
        throw new IllegalArgumentException("switch scales must be in [2, " + k + "], got " + s);
    Map<String, Map<String, String>> done = KeyedCsv.read(csv, HEADER, "faster-sampling timings");
    Setting plainSetting = new Setting("plain", null, 0, null);
    for (int batch : batches) {
      List<Setting> settings = new ArrayList<>();
      settings.add(plainSetting);
      for (double keep : plan.keeps())
        settings.add(
            new Setting("pruning", TokenPruning.lastScales(keep, plan.prunedScales(), k), 0, null));
      if (plan.refiner() != null) {
        settings.add(new Setting("refiner", null, 0, plan.refiner()));
        for (int s : plan.switchScales())
          settings.add(new Setting("code", null, s, plan.refiner()));
      }
      for (Setting st : settings) {
        String key = st.key(n, batch);
        if (done.containsKey(key)) {
          log.printf("[faster] %s: done (%s)%n", key, csv);
          continue;
        }
        SamplingComplexity.Row r = bench.measure(TokenOrder.NEXT_SCALE, n, batch, st::open);
        Map<String, String> plain = done.get(plainSetting.key(n, batch));
        double base =
            plain == null ? r.medianSeconds() : Double.parseDouble(plain.get("median_s_per_batch"));
        Map<String, String> c = r.csv();
        Map<String, String> row = new LinkedHashMap<>();
        row.put("run", key);
        row.put("method", st.method());
        row.put("n", Integer.toString(n));
        row.put("batch", Integer.toString(batch));
        row.put("keep", st.pruning() == null ? "" : Double.toString(st.pruning().keep()));
        row.put("pruned_scales", st.pruning() == null ? "" : Integer.toString(plan.prunedScales()));
        row.put("refiner_from", st.from() == 0 ? "" : Integer.toString(st.from()));
        row.put("tokens", Integer.toString(pns.L()));
        row.put("tokens_computed", Integer.toString(computed(pns, st.pruning())));
        row.put("median_s_per_batch", c.get("median_s_per_batch"));
        row.put("s_per_image", c.get("s_per_image"));
        row.put("speedup", String.format(Locale.ROOT, "%.3f", base / r.medianSeconds()));
        row.put("timed_s", c.get("timed_s"));
        done.put(key, row);
        KeyedCsv.write(csv, HEADER, done);
        log.printf(
            "[faster] %s: %s s per batch, %s x the plain sampler's speed%n",
            key, row.get("median_s_per_batch"), row.get("speedup"));
      }
    }
    return done;
  }

  /**
   * One timed sampler: plain, pruned ({@code pruning}), the refiner alone ({@code refiner}, {@code
   * from} 0) or CoDe (the refiner from 1-based scale {@code from}).
   */
  private record Setting(String method, TokenPruning pruning, int from, VarConfig refiner) {
    String key(int n, int batch) {
      String what =
          switch (method) {
            case "pruning" -> "keep" + pruning.keep() + "-from" + (pruning.firstStep() + 1);
            case "code" -> "code-from" + from;
            default -> method;
          };
      return "n" + n + "-b" + batch + "-" + what;
    }

    VarSampler open(VarConfig cfg, VqVaeConfig vae, StateDict vaeSd, long seed, int batch) {
      if (method.equals("refiner")) return VarSampler.randomVar(refiner, seed + 7, vae, vaeSd);
      if (!method.equals("code"))
        return VarSampler.randomVar(
            cfg, seed, vae, vaeSd, pruning == null ? TokenSelection.ALL : pruning);
      SamplerModels m = SamplerModels.randomVar(cfg, seed, vae, vaeSd);
      try {
        VarModel r = m.addRandomVar("refiner.", refiner, seed + 7);
        return VarSampler.of(m, ModelSchedule.handOff(m.var(), r, from - 1), TokenSelection.ALL);
      } catch (RuntimeException e) {
        m.close();
        throw e;
      }
    }
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
}
