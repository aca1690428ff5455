package io.github.var4j.eval;

/**
 * Class accuracy of class-conditional samples: the share of samples whose classifier prediction
 * (the argmax of its C class scores; probabilities or logits give the same answer) equals the class
 * the sample was generated for. Ties go to the lowest class index, as {@code np.argmax}.
 */
public final class ClassAccuracy {
  private ClassAccuracy() {}

  /**
   * @param scores (n, C) class probabilities or logits of the n samples
   * @param labels (n) the conditioning class of each sample, in [0, C)
   * @return share of samples with argmax(scores[i]) == labels[i], in [0, 1]
   */
  public static double of(Features scores, int[] labels) {
    int n = scores.n(), c = scores.d();
    if (labels.length != n)
      throw new IllegalArgumentException(
          "class scores hold " + n + " samples but there are " + labels.length + " labels");
    double[] s = scores.data();
    int correct = 0;
    for (int i = 0; i < n; i++) {
      if (labels[i] < 0 || labels[i] >= c)
        throw new IllegalArgumentException(
            "label " + labels[i] + " at index " + i + " is outside [0, " + c + ")");
      int best = 0;
      for (int y = 1; y < c; y++) if (s[i * c + y] > s[i * c + best]) best = y;
      if (best == labels[i]) correct++;
    }
    return (double) correct / n;
  }
}
