package io.github.var4j.stats;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * The compute frontier of a scaling sweep (VAR's Fig. 5, Kaplan's C_min): from the (compute, loss)
 * points of every run's evaluations, the lower envelope, i.e. the points whose loss is below that
 * of every point with less or equal compute.
 */
public final class Frontier {
  private Frontier() {}

  /**
   * The frontier points, by increasing compute.
   *
   * @param compute C of every point (> 0)
   * @param loss L of every point (> 0)
   * @return {C[], L[]} of the frontier
   */
  public static double[][] lowerEnvelope(double[] compute, double[] loss) {
    Points.check(compute, loss, 1);
    Integer[] order = new Integer[compute.length];
    for (int i = 0; i < order.length; i++) order[i] = i;
    Arrays.sort(
        order,
        Comparator.<Integer>comparingDouble(i -> compute[i]).thenComparingDouble(i -> loss[i]));
    List<double[]> out = new ArrayList<>();
    double best = Double.POSITIVE_INFINITY;
    for (int i : order) {
      if (loss[i] < best) {
        best = loss[i];
        out.add(new double[] {compute[i], loss[i]});
      }
    }
    double[][] r = new double[2][out.size()];
    for (int k = 0; k < out.size(); k++) {
      r[0][k] = out.get(k)[0];
      r[1][k] = out.get(k)[1];
    }
    return r;
  }
}
