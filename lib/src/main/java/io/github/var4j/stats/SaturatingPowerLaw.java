package io.github.var4j.stats;

import java.util.Locale;
import org.hipparchus.linear.Array2DRowRealMatrix;
import org.hipparchus.linear.ArrayRealVector;
import org.hipparchus.linear.RealMatrix;
import org.hipparchus.linear.RealVector;
import org.hipparchus.optim.nonlinear.vector.leastsquares.LeastSquaresBuilder;
import org.hipparchus.optim.nonlinear.vector.leastsquares.LeastSquaresOptimizer;
import org.hipparchus.optim.nonlinear.vector.leastsquares.LevenbergMarquardtOptimizer;
import org.hipparchus.optim.nonlinear.vector.leastsquares.MultivariateJacobianFunction;
import org.hipparchus.util.Pair;

/**
 * The scaling law with an irreducible term, L = E + (X₀/X)^α (α > 0): on a small data set the loss
 * cannot fall below what the data and the tokenizer allow, and a pure power law bends (the official
 * repository FoundationVision/VAR, GitHub issue #23: the paper plots the loss minus such a term).
 *
 * <p>Fitted by Levenberg–Marquardt (Hipparchus) on the log residuals log L − log(E + (X₀/X)^α),
 * parametrised as (√E, log X₀, log α) so that E ≥ 0 and α > 0 hold without constraints; started
 * from several E₀ below min L with X₀ and α from a power-law fit of L − E₀, keeping the best.
 *
 * @param e E, the irreducible loss
 * @param x0 X₀
 * @param alpha α (positive: the reducible part falls as X^−α)
 * @param rmsLog root-mean-square residual in log L
 * @param pearsonR Pearson's r of (log X, log(L − E)), over the points with L > E
 * @param n points fitted
 */
public record SaturatingPowerLaw(
    double e, double x0, double alpha, double rmsLog, double pearsonR, int n) {

  /** Fewest points a fit accepts (three parameters). */
  public static final int MIN_POINTS = 4;

  /**
   * Fits L = E + (X₀/X)^α.
   *
   * @throws IllegalArgumentException for fewer than {@value #MIN_POINTS} points, a non-positive
   *     value, arrays of different lengths, or x without two distinct values
   */
  public static SaturatingPowerLaw fit(double[] x, double[] y) {
    Points.check(x, y, MIN_POINTS);
    Points.distinct(x);
    double minY = Double.POSITIVE_INFINITY;
    for (double v : y) minY = Math.min(minY, v);
    double[] target = new double[y.length];
    for (int i = 0; i < y.length; i++) target[i] = Math.log(y[i]);
    MultivariateJacobianFunction model =
        p -> {
          double sqrtE = p.getEntry(0), logX0 = p.getEntry(1), alpha = Math.exp(p.getEntry(2));
          double eTerm = sqrtE * sqrtE;
          RealVector v = new ArrayRealVector(x.length);
          RealMatrix j = new Array2DRowRealMatrix(x.length, 3);
          for (int i = 0; i < x.length; i++) {
            double lr = logX0 - Math.log(x[i]); // log(X0 / X)
            double red = Math.exp(alpha * lr); // (X0/X)^alpha
            double f = eTerm + red;
            v.setEntry(i, Math.log(f));
            j.setEntry(i, 0, 2 * sqrtE / f);
            j.setEntry(i, 1, alpha * red / f);
            j.setEntry(i, 2, red * lr * alpha / f);
          }
          return new Pair<>(v, j);
        };
    LeastSquaresOptimizer.Optimum best = null;
    for (double frac : new double[] {0, 0.5, 0.8, 0.9, 0.95, 0.99}) {
      double e0 = frac * minY;
      double[] red = new double[y.length];
      for (int i = 0; i < y.length; i++) red[i] = y[i] - e0;
      PowerLaw p;
      try {
        p = PowerLaw.fit(x, red);
      } catch (IllegalArgumentException ex) {
        continue;
      }
      if (!(p.alpha() < 0)) continue; // the reducible part must fall with X
      double a0 = -p.alpha(), logX0 = -p.logBeta();
      try {
        LeastSquaresOptimizer.Optimum o =
            new LevenbergMarquardtOptimizer()
                .optimize(
                    new LeastSquaresBuilder()
                        .start(new double[] {Math.sqrt(e0), logX0, Math.log(a0)})
                        .model(model)
                        .target(target)
                        .maxEvaluations(10_000)
                        .maxIterations(10_000)
                        .build());
        if (best == null || o.getRMS() < best.getRMS()) best = o;
      } catch (RuntimeException ex) {
        // this start does not converge; another may
      }
    }
    if (best == null)
      throw new IllegalArgumentException(
          "no fit of L = E + (X0/X)^alpha: the values do not fall with x");
    RealVector p = best.getPoint();
    double e = p.getEntry(0) * p.getEntry(0), x0 = Math.exp(p.getEntry(1));
    double alpha = Math.exp(p.getEntry(2));
    int m = 0;
    for (double v : y) if (v > e) m++;
    double[] lx = new double[m], lr = new double[m];
    for (int i = 0, k = 0; i < y.length; i++) {
      if (y[i] > e) {
        lx[k] = Math.log(x[i]);
        lr[k++] = Math.log(y[i] - e);
      }
    }
    double r =
        m >= 2
            ? new org.hipparchus.stat.correlation.PearsonsCorrelation().correlation(lx, lr)
            : Double.NaN;
    return new SaturatingPowerLaw(e, x0, alpha, best.getRMS(), r, x.length);
  }

  /** E + (X₀/x)^α. */
  public double predict(double x) {
    return e + Math.pow(x0 / x, alpha);
  }

  /** e.g. "L = 1.82 + (3.1e+05/X)^0.41". */
  public String formula() {
    return String.format(Locale.ROOT, "L = %.4g + (%.3g/X)^%.4f", e, x0, alpha);
  }
}
