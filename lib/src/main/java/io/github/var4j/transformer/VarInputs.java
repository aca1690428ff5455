package io.github.var4j.transformer;

/**
 * Java-side checks of the inputs of {@link VarModel}: labels, teacher-forcing input and target
 * token ids. The graph cannot check integer ranges cheaply (an out-of-range Gather index fails late
 * on CPU and silently on GPU), so every feed is checked by these methods first.
 */
public final class VarInputs {
  private VarInputs() {}

  /**
   * Class labels (B): each in [0, numClasses), or [0, numClasses] where the null class
   * (unconditional) is allowed.
   *
   * @throws IllegalArgumentException e.g. "label 12 at batch index 1 is outside [0, 10)"
   */
  public static void checkLabels(VarConfig cfg, int[] labelB, boolean allowNullClass) {
    if (labelB == null || labelB.length == 0)
      throw new IllegalArgumentException("label_B must not be empty");
    int hi = cfg.numClasses() + (allowNullClass ? 1 : 0);
    for (int i = 0; i < labelB.length; i++) {
      if (labelB[i] < 0 || labelB[i] >= hi) {
        throw new IllegalArgumentException(
            "label " + labelB[i] + " at batch index " + i + " is outside [0, " + hi + ")");
      }
    }
  }

  /**
   * Teacher-forcing input (B, L - firstL, Cvae), row-major.
   *
   * @throws IllegalArgumentException if the length is not B·(L - firstL)·Cvae
   */
  public static void checkX(VarConfig cfg, int batch, float[] xBLCv) {
    long l = cfg.L() - cfg.firstL();
    long need = batch * l * cfg.cvae();
    if (batch <= 0) throw new IllegalArgumentException("batch size must be positive, got " + batch);
    if (xBLCv.length != need) {
      throw new IllegalArgumentException(
          "x_BLCv_wo_first_l must hold B*(L-firstL)*Cvae = "
              + batch
              + "*"
              + l
              + "*"
              + cfg.cvae()
              + " = "
              + need
              + " floats, got "
              + xBLCv.length);
    }
  }

  /**
   * Target token ids (B, L), each in [0, V).
   *
   * @throws IllegalArgumentException on a wrong length or an id outside [0, V)
   */
  public static void checkTargets(VarConfig cfg, int batch, int[] targetBL) {
    int l = cfg.patchNums().L();
    if ((long) batch * l != targetBL.length) {
      throw new IllegalArgumentException(
          "target must hold B*L = %s*%s = %s ids, got %s"
              .formatted(batch, l, (long) batch * l, targetBL.length));
    }
    for (int i = 0; i < targetBL.length; i++) {
      if (targetBL[i] < 0 || targetBL[i] >= cfg.vocabSize()) {
        throw new IllegalArgumentException(
            "target token "
                + targetBL[i]
                + " at ("
                + i / l
                + ", "
                + i % l
                + ") is outside [0, "
                + cfg.vocabSize()
                + ")");
      }
    }
  }
}
