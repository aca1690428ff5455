package io.github.var4j.stats;

import java.util.Locale;
import org.hipparchus.stat.correlation.PearsonsCorrelation;
import org.hipparchus.stat.regression.SimpleRegression;

/**
 * The scaling law of the VAR paper (its Figs. 5, 6; Kaplan et al.): L = (β·X)^α, fitted by ordinary
 * least squares of log L on log X (Hipparchus {@link SimpleRegression}):
 *
 * <pre>
 * log L = α·log X + α·log β       slope α, intercept α·log β
 * </pre>
 *
 * @param alpha α (negative when L falls with X)
 * @param beta β (may overflow to infinity for a nearly flat law; {@link #predict} uses {@code
 *     logBeta})
 * @param logBeta log β = intercept / α
 * @param alphaStdErr the standard error of the slope α
 * @param alphaHalfWidth95 half-width of the 95 % confidence interval of α (Student t, n − 2 degrees
 *     of freedom; NaN with 2 points)
 * @param pearsonR Pearson's r of (log X, log L)
 * @param n points fitted
 */
public record PowerLaw(
    double alpha,
    double beta,
    double logBeta,
    double alphaStdErr,
    double alphaHalfWidth95,
    double pearsonR,
    int n) {

  /** Fewest points a fit accepts. */
  public static final int MIN_POINTS = 3;

  /**
   * Fits L = (β·X)^α.
   *
   * @throws IllegalArgumentException for fewer than {@value #MIN_POINTS} points, a non-positive
   *     value, arrays of different lengths, or x without two distinct values
   */
  public static PowerLaw fit(double[] x, double[] y) {
    Points.check(x, y, MIN_POINTS);
    Points.distinct(x);
    double[] lx = new double[x.length], ly = new double[x.length];
    SimpleRegression reg = new SimpleRegression(true);
    for (int i = 0; i < x.length; i++) {
      lx[i] = Math.log(x[i]);
      ly[i] = Math.log(y[i]);
      reg.addData(lx[i], ly[i]);
    }
    double alpha = reg.getSlope();
    double logBeta = alpha == 0 ? Double.NaN : reg.getIntercept() / alpha;
    double half = x.length > 2 ? reg.getSlopeConfidenceInterval(0.05) : Double.NaN;
    double r = new PearsonsCorrelation().correlation(lx, ly);
    return new PowerLaw(alpha, Math.exp(logBeta), logBeta, reg.getSlopeStdErr(), half, r, x.length);
  }

  /** (β·x)^α, computed as exp(α·(log β + log x)) so that a huge β does not overflow. */
  public double predict(double x) {
    return Math.exp(alpha * (logBeta + Math.log(x)));
  }

  /** e.g. "L = (2.1e-06·X)^-0.0821, r = -0.998". */
  public String formula() {
    return String.format(Locale.ROOT, "L = (%.3g·X)^%.4f, r = %.4f", beta, alpha, pearsonR);
  }
}
