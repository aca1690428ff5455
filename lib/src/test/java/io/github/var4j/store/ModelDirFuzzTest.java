package io.github.var4j.store;

import static io.github.var4j.testutil.ReaderFuzz.OnSuccess.ANY;
import static io.github.var4j.testutil.ReaderFuzz.OnSuccess.FAIL;
import static io.github.var4j.testutil.ReaderFuzz.OnSuccess.SAME;

import io.github.var4j.nn.HostTensor;
import io.github.var4j.nn.Init;
import io.github.var4j.nn.Layout;
import io.github.var4j.nn.Param;
import io.github.var4j.nn.ParamStore;
import io.github.var4j.nn.Sessions;
import io.github.var4j.nn.StateDict;
import io.github.var4j.nn.TfCheckpoint;
import io.github.var4j.scale.ScaleSchedule;
import io.github.var4j.testutil.ReaderFuzz;
import io.github.var4j.testutil.ReaderFuzz.Region;
import io.github.var4j.transformer.VarConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;

/**
 * Fuzzing of model directories ({@link ModelDir}: {@code config.json} plus one {@code .npy} per
 * weight) and training run directories ({@link RunDir}: the checkpoint pointer, the TF bundle's
 * index and data files, {@code resume.properties}, {@code time.properties}, {@code metrics.csv}).
 * One file of a directory saved here is damaged at a time (truncated at every length, bytes
 * flipped) and the directory is read as a trainer or a loader reads it; with {@link ReaderFuzz},
 * every failure must be an {@link IOException} or {@link IllegalArgumentException} whose one-line
 * message names the damaged file and the problem, never another throwable or a hang.
 */
class ModelDirFuzzTest {
  @TempDir Path tmp;

  static final VarConfig CONFIG =
      VarConfig.ofDepth(3, 100, 5, 7, ScaleSchedule.of(1, 3, 5)).withSharedAdaLN(true);

  private static String digest(StateDict sd) {
    StringBuilder sb = new StringBuilder();
    for (String n : sd.names())
      sb.append(n)
          .append(Arrays.toString(sd.get(n).shape()))
          .append('#')
          .append(Arrays.hashCode(sd.get(n).data()))
          .append(' ');
    return sb.toString();
  }

  /**
   * {@code config.json}: a cut is refused unless it only drops the final line break (the JSON is
   * then whole); a flip is refused or read (a flipped digit is another valid value). A weight's
   * {@code .npy}: every cut is refused, a flip is refused or read (a flipped data byte cannot be
   * detected).
   */
  @Test
  void modelDirFailsCleanly() throws IOException {
    Path dir = tmp.resolve("model");
    StateDict weights =
        new StateDict()
            .put("head.weight", new HostTensor(new long[] {4, 3}, new float[12]))
            .put("head.bias", new HostTensor(new long[] {4}, new float[] {1, 2, 3, 4}))
            .put("pos_start", new HostTensor(new long[] {1, 1, 3}, new float[] {-1, 0, 1}));
    ModelDir.save(dir, ModelKind.VAR, CONFIG, weights);
    ReaderFuzz.Reader read =
        () -> ModelDir.config(dir, ModelKind.VAR) + digest(ModelDir.weights(dir));

    Path config = dir.resolve(ModelDir.CONFIG);
    byte[] json = Files.readAllBytes(config);
    ReaderFuzz fuzz = new ReaderFuzz("model config.json", config, read, 5_000).intact(json);
    int whole = new String(json, StandardCharsets.UTF_8).stripTrailing().length();
    int[] cuts = ReaderFuzz.lengths(json.length, 1 << 16, 0, 1);
    fuzz.truncations(json, Arrays.stream(cuts).filter(n -> n < whole).toArray(), FAIL);
    fuzz.truncations(json, Arrays.stream(cuts).filter(n -> n >= whole).toArray(), SAME);
    fuzz.flips(json, 2, 500, ANY, List.of());
    for (String bad : List.of("1e400", "-1", "99999999999999999999", "\"three\"", "null", "[3]")) {
      String text = new String(json, StandardCharsets.UTF_8);
      fuzz.trial(
          "depth " + bad,
          text.replaceFirst("\"depth\" : 3", "\"depth\" : " + bad).getBytes(StandardCharsets.UTF_8),
          FAIL);
    }
    fuzz.assertClean();

    Path npy = dir.resolve("head.weight.npy");
    byte[] w = Files.readAllBytes(npy);
    fuzz = new ReaderFuzz("model weight head.weight.npy", npy, read, 5_000).intact(w);
    fuzz.truncations(w, ReaderFuzz.lengths(w.length, 1 << 16, 0, 3), FAIL);
    fuzz.flips(w, 4, 300, ANY, List.of(new Region("header", 0, 128)));
    fuzz.assertClean();
  }

  /**
   * A run directory of a one-layer model: a checkpoint at step 20 with its state, time, metrics.
   */
  private static final class Run implements AutoCloseable {
    final Graph g = new Graph();
    final ParamStore ps = new ParamStore(Ops.create(g));
    final Param w = ps.create("w", new long[] {3, 2}, Layout.AS_IS, Init.zeros());
    final Param b = ps.create("b", new long[] {2}, Layout.AS_IS, Init.zeros());
    final TfCheckpoint ckpt = new TfCheckpoint(ps);
    final Session s = Sessions.create(g);
    final RunDir run;
    final List<String> header = List.of("step", "loss", "acc");

    Run(Path dir) throws IOException {
      run = new RunDir(dir).create();
      ps.assignTf(s, Map.of(w, new float[] {1, 2, 3, 4, 5, 6}, b, new float[] {-1, 1}));
      run.saveCheckpoint(s, ckpt, new RunDir.ResumeState(20).put("seed", 7L).put("sum", 0.125));
      run.addTrainingTime(20, 12.5);
      try (MetricsCsv m = run.openMetrics(header, 0)) {
        for (int step = 13; step <= 20; step++) m.append(step, 1.0 / step, step / 20.0);
      }
    }

    /** What a resumed run reads: the state, the time, the metrics kept, the restored weights. */
    String read() throws IOException {
      StringBuilder sb = new StringBuilder();
      sb.append(run.resumeState(20).map(RunDir.ResumeState::values).orElse(null));
      sb.append(run.trainingTime().orElse(null));
      try (MetricsCsv m = run.openMetrics(header, 20)) {
        sb.append(Files.readString(m.file()).length());
      }
      ps.assignTf(s, Map.of(w, new float[6], b, new float[2]));
      ckpt.restore(s, run.checkpointPrefix());
      ps.fetchTf(s, List.of(w, b))
          .forEach((p, v) -> sb.append(p.name()).append(Arrays.toString(v)));
      return sb.toString();
    }

    @Override
    public void close() {
      s.close();
      g.close();
    }
  }

  /**
   * Every file of a run directory: the TF bundle's index and data files are checksummed (a flip is
   * refused or restores the very same values), every cut of them is refused; the pointer file and
   * the properties and CSV files are text (a cut or a flip is refused or read as another value).
   */
  @Test
  void runDirFailsCleanly() throws IOException {
    try (Run r = new Run(tmp.resolve("run"))) {
      Path bundle = TfCheckpoint.bundle(r.run.checkpointPrefix());
      record Target(Path file, ReaderFuzz.OnSuccess cut, ReaderFuzz.OnSuccess flip) {}
      List<Target> targets =
          List.of(
              new Target(Path.of(bundle + TfCheckpoint.INDEX_SUFFIX), FAIL, SAME),
              new Target(Path.of(bundle + TfCheckpoint.DATA_SUFFIX), FAIL, SAME),
              new Target(r.run.checkpointPrefix(), ANY, ANY),
              new Target(r.run.resumeFile(), ANY, ANY),
              new Target(r.run.timeFile(), ANY, ANY),
              new Target(r.run.metricsCsv(), ANY, ANY));
      for (Target t : targets) {
        byte[] whole = Files.readAllBytes(t.file());
        ReaderFuzz fuzz =
            new ReaderFuzz("run dir " + t.file().getFileName(), t.file(), r::read, 10_000)
                .intact(whole);
        fuzz.truncations(whole, ReaderFuzz.lengths(whole.length, 1 << 16, 0, 5), t.cut());
        fuzz.flips(whole, 6, 120, t.flip(), List.of());
        byte[] ff = new byte[4096];
        Arrays.fill(ff, (byte) -1);
        fuzz.trial("4 KiB of 0xff", ff, t.cut() == FAIL ? FAIL : ANY);
        fuzz.trial("4 KiB of zeros", new byte[4096], t.cut() == FAIL ? FAIL : ANY);
        fuzz.assertClean();
      }
    }
  }
}
