package io.github.var4j.train;

import io.github.var4j.nn.GraphRuntime;
import io.github.var4j.nn.Init;
import io.github.var4j.nn.Layout;
import io.github.var4j.nn.Param;
import io.github.var4j.nn.ParamStore;
import io.github.var4j.optim.AdamW;
import io.github.var4j.optim.LrSchedule;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/**
 * A fourth trainer in a few lines, to show and test that the {@link TrainingLoop} needs only a
 * graph, a step and an evaluation: a linear model y = x·w + b fitted by least squares on synthetic
 * data (y = x·w* + 0.5 + noise), evaluated on held-out rows.
 */
final class LinearTrainee implements Trainee, AutoCloseable {
  static final int D = 4;

  final GraphRuntime rt = new GraphRuntime();
  private final Placeholder<TFloat32> x, y; // (B, D) inputs, (B) targets
  private final Operand<TFloat32> loss; // scalar: mean (x·w + b - y)²
  private final AdamW opt;
  private final TrainableGraph graph;
  private final float[] trainX, trainY, testX, testY; // (N, D), (N)

  LinearTrainee(int trainRows, int testRows, long dataSeed) {
    Ops tf = rt.tf();
    ParamStore ps = new ParamStore(tf);
    Param w = ps.create("w", new long[] {D}, Layout.AS_IS, Init.normal(0.1));
    Param b = ps.create("b", new long[] {1}, Layout.AS_IS, Init.zeros());
    x = tf.withName("x").placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, D)));
    y = tf.withName("y").placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1)));
    Operand<TFloat32> pred = // (B)
        tf.math.add(
            tf.reshape(
                tf.linalg.matMul(x, tf.reshape(w.value(), tf.constant(new long[] {D, 1}))),
                tf.constant(new long[] {-1})),
            b.value());
    loss = tf.math.mean(tf.math.square(tf.math.sub(pred, y)), tf.constant(0));
    opt = new AdamW(rt.graph(), ps, loss, p -> false, new AdamW.Config(0.9, 0.99, 1e-8, 0));
    graph = TrainableGraph.of(rt, List.of(opt), ps);
    SplittableRandom r = new SplittableRandom(dataSeed);
    trainX = new float[trainRows * D];
    trainY = new float[trainRows];
    testX = new float[testRows * D];
    testY = new float[testRows];
    fill(trainX, trainY, r);
    fill(testX, testY, r);
  }

  private static void fill(float[] xs, float[] ys, SplittableRandom r) {
    for (int i = 0; i < ys.length; i++) {
      double t = 0.5 + 0.05 * r.nextGaussian();
      for (int j = 0; j < D; j++) {
        xs[i * D + j] = (float) r.nextGaussian();
        t += xs[i * D + j] * (j + 1);
      }
      ys[i] = (float) t;
    }
  }

  int trainRows() {
    return trainY.length;
  }

  @Override
  public List<String> metrics() {
    return List.of("loss");
  }

  @Override
  public TrainableGraph graph() {
    return graph;
  }

  /** One step on the rows {@code idx}: the {@link Trainee.Steps} of this data. */
  Step step(long it, int[] idx, LrSchedule.Values v) {
    float[] bx = new float[idx.length * D], by = new float[idx.length]; // (B, D), (B)
    for (int i = 0; i < idx.length; i++) {
      System.arraycopy(trainX, idx[i] * D, bx, i * D, D);
      by[i] = trainY[idx[i]];
    }
    GraphRuntime.Run r = rt.run().feed(x, bx, idx.length, D).feed(y, by, idx.length).fetch(loss);
    opt.feed(r, v.lr(), v.wdD(), v.wdND());
    try (GraphRuntime.Outputs out = r.run()) {
      opt.stepDone();
      double l = out.floats(0)[0];
      if (!Double.isFinite(l)) return Step.failed("loss is " + l);
      return Step.of(new double[] {l}, Map.of("loss", l));
    }
  }

  // the optional evaluation: eval.csv gets train_loss (mean since the last row) and test_loss

  @Override
  public List<String> evalMetrics() {
    return List.of("test_loss");
  }

  @Override
  public List<String> trainMeans() {
    return List.of("loss");
  }

  /** The held-out loss. */
  record Eval(double testLoss) implements Evaluated {
    @Override
    public double[] row() {
      return new double[] {testLoss};
    }

    @Override
    public String line(long step) {
      return String.format(Locale.ROOT, "[linear] eval step %d: test loss %.5f", step, testLoss);
    }
  }

  Eval evaluate() {
    try (GraphRuntime.Outputs out =
        rt.run().feed(x, testX, testY.length, D).feed(y, testY, testY.length).fetch(loss).run()) {
      return new Eval(out.floats(0)[0]);
    }
  }

  @Override
  public void close() {
    rt.close();
  }
}
