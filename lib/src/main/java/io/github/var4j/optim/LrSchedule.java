package io.github.var4j.optim;

import io.github.var4j.util.Require;
import io.soabase.recordbuilder.core.RecordBuilder;

/**
 * The official learning-rate / weight-decay schedule ({@code utils/lr_control.lr_wd_annealing},
 * official {@code trainer.py}), evaluated in double with the official operation order, so values
 * equal Python's to the last bits.
 *
 * <pre>
 * it &lt; wp_it:  lr = peak · (wp0 + (1-wp0)·it/wp_it)                      linear warm-up
 * otherwise:  pasd = (it - wp_it)/(max_it-1 - wp_it), rest = 1 - pasd
 *   'lin0' (default): 1 if pasd &lt; 0.05 else wpe + (1-wpe)·rest/0.95
 *   'lin': same with T = 0.15;  'lin00': wpe + (1-wpe)·rest;  'cos': wpe + (1-wpe)(0.5 + 0.5 cos(π pasd))
 *   'lin&lt;T&gt;' (e.g. 'lin0.8'): 1 → mid over [0,T), mid → wpe after, mid = (1 + wpe + (1-wpe)(1-T))/2
 *   'exp': 1 if pasd &lt; 0.15 else exp((pasd-0.15)/0.85 · ln wpe)
 * wd = twde + (twd - twde)·(0.5 + 0.5 cos(π·it/(max_it-1)))    for group 'D'; group 'ND' gets wd·0 = 0
 * </pre>
 *
 * Official call: {@code wp_it = wp · iters_per_epoch} (wp = ep/50 when 0), {@code max_it = ep ·
 * iters_per_epoch}, {@code peak = ac · tblr · global_batch / 256} ({@link #peakLr}); wp_it is
 * rounded like Python's round().
 *
 * @param sche schedule type: lin0, lin, lin00, lin&lt;T&gt;, cos, exp
 * @param peakLr tlr
 * @param wpIt warm-up iterations (rounded half to even, as Python's round)
 * @param maxIt total iterations
 * @param wp0 warm-up start fraction (official 0.005)
 * @param wpe final fraction (official CLI default 0.01; README d16/d20 use 0.1)
 * @param twd weight decay at the start (official 0.05)
 * @param twde weight decay at the end (official default = twd)
 */
@RecordBuilder
public record LrSchedule(
    String sche,
    double peakLr,
    double wpIt,
    long maxIt,
    double wp0,
    double wpe,
    double twd,
    double twde)
    implements LrScheduleBuilder.With {

  /** Learning rate and weight decay of the two official parameter groups at one iteration. */
  public record Values(double lr, double wdD, double wdND) {}

  public LrSchedule {
    if (sche == null || !(sche.equals("cos") || sche.equals("exp") || sche.startsWith("lin"))) {
      throw new IllegalArgumentException(
          "unknown schedule type '" + sche + "' (expected lin0, lin, lin00, lin<T>, cos, exp)");
    }
    if (sche.startsWith("lin")
        && !sche.equals("lin")
        && !sche.equals("lin0")
        && !sche.equals("lin00")) {
      double t;
      try {
        t = Double.parseDouble(sche.substring(3));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "unknown schedule type '" + sche + "' (expected lin0, lin, lin00, lin<T>, cos, exp)");
      }
      if (!(t > 0 && t < 1))
        throw new IllegalArgumentException(
            "schedule '" + sche + "': T must be in (0, 1), got " + t);
    }
    if (!(peakLr > 0) || Double.isInfinite(peakLr))
      throw new IllegalArgumentException("peakLr must be positive, got " + peakLr);
    Require.nonNegative("wpIt", wpIt);
    if (maxIt - 1 - Math.rint(wpIt) <= 0) {
      throw new IllegalArgumentException(
          "maxIt must be greater than round(wpIt) + 1, got maxIt=" + maxIt + ", wpIt=" + wpIt);
    }
    Require.fraction("wp0", wp0);
    Require.fraction("wpe", wpe);
    if (sche.equals("exp") && !(wpe > 0))
      throw new IllegalArgumentException("schedule 'exp' needs wpe > 0, got " + wpe);
    Require.nonNegative("twd", twd);
    if (!(twde >= 0)) throw new IllegalArgumentException("twde must be >= 0, got " + twde);
  }

  /** The official defaults: 'lin0', wp0 0.005, wpe 0.01, twd = twde = 0.05. */
  public static LrSchedule official(double peakLr, double wpIt, long maxIt) {
    return new LrSchedule("lin0", peakLr, wpIt, maxIt, 0.005, 0.01, 0.05, 0.05);
  }

  /** {@code tlr = ac · tblr · globalBatchSize / 256} (train.py; tblr default 1e-4). */
  public static double peakLr(double tblr, int globalBatchSize, int ac) {
    return ac * tblr * globalBatchSize / 256;
  }

  /** Values at iteration {@code it} (0-based global iteration). */
  public Values at(long it) {
    double wp = Math.rint(wpIt);
    double cur;
    if (it < wp) {
      cur = wp0 + (1 - wp0) * it / wp;
    } else {
      double pasd = (it - wp) / (maxIt - 1 - wp);
      double rest = 1 - pasd;
      switch (sche) {
        case "cos" -> cur = wpe + (1 - wpe) * (0.5 + 0.5 * Math.cos(Math.PI * pasd));
        case "lin" -> cur = linear(pasd, rest, 0.15);
        case "lin0" -> cur = linear(pasd, rest, 0.05);
        case "lin00" -> cur = wpe + (1 - wpe) * rest;
        case "exp" -> {
          double t = 0.15, maxRest = 1 - t;
          cur = pasd < t ? 1 : Math.exp((pasd - t) / maxRest * Math.log(wpe));
        }
        default -> {
          double t = Double.parseDouble(sche.substring(3)), maxRest = 1 - t;
          double wpeMid = wpe + (1 - wpe) * maxRest;
          wpeMid = (1 + wpeMid) / 2;
          cur = pasd < t ? 1 + (wpeMid - 1) * pasd / t : wpe + (wpeMid - wpe) * rest / maxRest;
        }
      }
    }
    double lr = cur * peakLr;
    double pasdWd = it / (double) (maxIt - 1);
    double wd = twde + (twd - twde) * (0.5 + 0.5 * Math.cos(Math.PI * pasdWd));
    return new Values(lr, wd * 1, wd * 0.0);
  }

  private double linear(double pasd, double rest, double t) {
    double maxRest = 1 - t;
    return pasd < t ? 1 : wpe + (1 - wpe) * rest / maxRest;
  }

  // ---- builder and withers: generated by record-builder ({@code LrScheduleBuilder}, {@code
  // LrScheduleBuilder.With}) ----

  /**
   * A builder with no component set yet (unset components are 0, false or null, which the canonical
   * constructor then judges); start from {@link #toBuilder} to change only a few.
   */
  public static LrScheduleBuilder builder() {
    return LrScheduleBuilder.builder();
  }

  /** A builder holding this configuration's components, e.g. {@code c.toBuilder().x(v).build()}. */
  public LrScheduleBuilder toBuilder() {
    return LrScheduleBuilder.builder(this);
  }
}
