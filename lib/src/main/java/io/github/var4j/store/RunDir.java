package io.github.var4j.store;

import io.github.var4j.io.AtomicFiles;
import io.github.var4j.io.Excerpts;
import io.github.var4j.nn.TfCheckpoint;
import io.github.var4j.util.Require;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.tensorflow.Session;

/**
 * The directory of one training run (tokenizer or VAR): its layout, and the reading and writing of
 * everything in it except the model configuration ({@code config.json}, see {@link ModelDir}). Both
 * trainers and the experiments command line go through this class; the file names are those of
 * earlier var4j versions, so older run directories still resume.
 *
 * <pre>
 * ckpt, ckpt-<n>.index, ckpt-<n>.data-*  weights and optimizer state: a pointer file and the TF V2 bundle it names ({@link TfCheckpoint}), atomic
 * resume.properties                      the training state that is not in the bundle ({@link ResumeState}), for
 *                                        the last two checkpoint steps
 * metrics.csv                            one row per step ({@link MetricsCsv})
 * eval.csv                               one row per evaluation (VAR)
 * time.properties                        wall time over all sessions of the run ({@link TrainingTime})
 * config.json, tokens-*.v4jt            the model configuration (VAR, {@link ModelDir} format), the token caches (VAR)
 * </pre>
 *
 * <p>Every file is written atomically (temp file, then rename, {@link AtomicFiles}); the CSVs are
 * appended to and trimmed atomically on resume. {@link #saveCheckpoint} writes the resume state
 * before the bundle and keeps the previous checkpoint's state in the same file, so a run killed at
 * any moment finds the state of the checkpoint on disk.
 */
public final class RunDir {
  private long clockStep = -1; // step of the last clock start or timed save; -1: not timing
  private long clockNanos;

  /** Prefix of the checkpoint bundle. */
  public static final String CHECKPOINT = "ckpt";

  /** Per-step metrics. */
  public static final String METRICS_CSV = "metrics.csv";

  /** Per-evaluation metrics (VAR). */
  public static final String EVAL_CSV = "eval.csv";

  /** Wall time of training, summed over the sessions of the run. */
  public static final String TIME = "time.properties";

  /** Training state outside the checkpoint bundle. */
  public static final String RESUME = "resume.properties";

  private final Path dir;

  public RunDir(Path dir) {
    this.dir = Objects.requireNonNull(dir, "run directory must not be null");
  }

  public Path dir() {
    return dir;
  }

  /** A file of the run directory. */
  public Path resolve(String name) {
    return dir.resolve(name);
  }

  /** Creates the directory (and its parents) if needed. */
  public RunDir create() throws IOException {
    Files.createDirectories(dir);
    return this;
  }

  @Override
  public String toString() {
    return dir.toString();
  }

  // ---- checkpoint and resume state
  // ---------------------------------------------------------------------------------

  /**
   * {@code <dir>/ckpt}: the checkpoint pointer ({@link TfCheckpoint}: it names the current bundle).
   */
  public Path checkpointPrefix() {
    return dir.resolve(CHECKPOINT);
  }

  public boolean hasCheckpoint() {
    return TfCheckpoint.exists(checkpointPrefix());
  }

  public Path resumeFile() {
    return dir.resolve(RESUME);
  }

  /**
   * Writes a checkpoint: first {@code state} into {@code resume.properties} (next to the state of
   * the checkpoint still on disk, the newest one of an earlier step), then the bundle (temp prefix,
   * then rename). A run killed between the two finds the old bundle and the old state; killed
   * after, the new ones.
   *
   * @param state the training state at the step the bundle is saved at
   */
  public void saveCheckpoint(Session s, TfCheckpoint ckpt, ResumeState state) throws IOException {
    TreeMap<Long, ResumeState> keep = new TreeMap<>();
    Map.Entry<Long, ResumeState> previous = readResumeStates().lowerEntry(state.step());
    if (previous != null) keep.put(previous.getKey(), previous.getValue());
    keep.put(state.step(), state);
    AtomicFiles.writeString(resumeFile(), formatResumeStates(keep));
    ckpt.save(s, checkpointPrefix());
    if (clockStep >= 0) {
      long now = System.nanoTime();
      addTrainingTime(state.step() - clockStep, (now - clockNanos) / 1e9);
      clockStep = state.step();
      clockNanos = now;
    }
  }

  /**
   * Starts the training clock at {@code step} (where a session starts or resumes): from then on,
   * every {@link #saveCheckpoint} adds the steps and wall time since the previous save (or the
   * start) to {@code time.properties}. A killed session so loses only the time of the steps it will
   * redo, and a run spread over several sessions reports the time of the steps it kept.
   */
  public void startClock(long step) {
    clockStep = step;
    clockNanos = System.nanoTime();
  }

  /**
   * The resume state saved with the checkpoint of {@code step}; empty when there is none (a run
   * directory of an older var4j, or a checkpoint written without one).
   *
   * @throws IOException if {@code resume.properties} cannot be read or is malformed (naming the
   *     file and the line)
   */
  public Optional<ResumeState> resumeState(long step) throws IOException {
    return Optional.ofNullable(readResumeStates().get(step));
  }

  /**
   * The step of the newest saved resume state (the model's steps so far); empty without one.
   *
   * @throws IOException if {@code resume.properties} cannot be read or is malformed
   */
  public Optional<Long> lastSavedStep() throws IOException {
    return readResumeStates().keySet().stream().max(Long::compare);
  }

  private TreeMap<Long, ResumeState> readResumeStates() throws IOException {
    TreeMap<Long, ResumeState> states = new TreeMap<>();
    Path f = resumeFile();
    if (!Files.exists(f)) return states;
    Properties p = load(f);
    for (String key : p.stringPropertyNames()) {
      int dot = key.indexOf('.');
      long step;
      try {
        step = Long.parseLong(key.substring(0, Math.max(0, dot)));
      } catch (NumberFormatException e) {
        throw damaged(f, "key '" + Excerpts.of(key) + "' is not of the form <step>.<name>", e);
      }
      try {
        states
            .computeIfAbsent(step, st -> new ResumeState(st, f.toString()))
            .put(key.substring(dot + 1), p.getProperty(key).trim());
      } catch (IllegalArgumentException e) {
        throw damaged(f, Excerpts.of(e.getMessage(), 200), e);
      }
    }
    return states;
  }

  /** {@code <f>: <what>; the file is damaged (delete it to resume without the state)}. */
  private static IOException damaged(Path f, String what, Exception cause) {
    return new IOException(
        f + ": " + what + "; the file is damaged (delete it to resume without the state)", cause);
  }

  private static String formatResumeStates(Map<Long, ResumeState> states) {
    StringBuilder sb =
        new StringBuilder(
            "# var4j: training state that is not in the checkpoint bundle, per checkpoint "
                + "step (<step>.<name>=<value>);\n# resuming uses the entry of the bundle's step\n");
    states.forEach(
        (step, st) ->
            st.values()
                .forEach(
                    (k, v) ->
                        sb.append(step).append('.').append(k).append('=').append(v).append('\n')));
    return sb.toString();
  }

  // ---- metrics
  // ----------------------------------------------------------------------------------------------------

  public Path metricsCsv() {
    return dir.resolve(METRICS_CSV);
  }

  public Path evalCsv() {
    return dir.resolve(EVAL_CSV);
  }

  /**
   * Opens {@code metrics.csv} for a run at {@code resumeStep} (rows after it are dropped, see
   * {@link MetricsCsv}).
   */
  public MetricsCsv openMetrics(List<String> header, long resumeStep) throws IOException {
    return new MetricsCsv(metricsCsv(), header, resumeStep);
  }

  /** Opens {@code eval.csv} for a run at {@code resumeStep}. */
  public MetricsCsv openEval(List<String> header, long resumeStep) throws IOException {
    return new MetricsCsv(evalCsv(), header, resumeStep);
  }

  // ---- timing
  // -----------------------------------------------------------------------------------------------------

  public Path timeFile() {
    return dir.resolve(TIME);
  }

  /**
   * Wall time of training summed over the sessions of a run ({@code time.properties}: {@code
   * seconds} with one decimal, {@code steps}, {@code cores} of the last session).
   */
  public record TrainingTime(double seconds, long steps, int cores) {
    public double minutes() {
      return seconds / 60;
    }
  }

  /** The recorded training time; empty when the run directory has no {@code time.properties}. */
  public Optional<TrainingTime> trainingTime() throws IOException {
    Path f = timeFile();
    if (!Files.exists(f)) return Optional.empty();
    Properties p = load(f);
    try {
      return Optional.of(
          new TrainingTime(
              Double.parseDouble(required(p, "seconds", f)),
              Long.parseLong(required(p, "steps", f)),
              Integer.parseInt(p.getProperty("cores", "0").trim())));
    } catch (NumberFormatException e) {
      throw new IOException(
          f + " holds a value that is not a number: " + Excerpts.of(e.getMessage()), e);
    }
  }

  /**
   * Adds one session ({@code steps} steps in {@code seconds}) to {@code time.properties}, with this
   * machine's core count; returns the new totals.
   */
  public TrainingTime addTrainingTime(long steps, double seconds) throws IOException {
    TrainingTime before = trainingTime().orElse(new TrainingTime(0, 0, 0));
    TrainingTime now =
        new TrainingTime(
            before.seconds() + seconds,
            before.steps() + steps,
            Runtime.getRuntime().availableProcessors());
    AtomicFiles.writeString(
        timeFile(),
        String.format(
            Locale.ROOT,
            "# var4j: wall time of training, summed over the "
                + "sessions of this run%nseconds=%.1f%nsteps=%d%ncores=%d%n",
            now.seconds(),
            now.steps(),
            now.cores()));
    return now;
  }

  private static Properties load(Path f) throws IOException {
    Properties p = new Properties();
    try (Reader r = new StringReader(Files.readString(f, StandardCharsets.UTF_8))) {
      p.load(r);
    } catch (CharacterCodingException e) {
      throw new IOException(f + " is not a properties file: it is not UTF-8 text", e);
    } catch (IllegalArgumentException e) {
      throw new IOException(f + " is not a properties file: " + Excerpts.of(e.getMessage()), e);
    }
    return p;
  }

  private static String required(Properties p, String key, Path f) throws IOException {
    String v = p.getProperty(key);
    if (v == null) throw new IOException(f + " lacks '" + key + "'");
    return v.trim();
  }

  // ---- resume state
  // -----------------------------------------------------------------------------------------------

  /**
   * Training state at a checkpoint step that the TF bundle does not hold (e.g. running sums for the
   * next evaluation row, dead-code statistics, the seed and batch size the data order depends on):
   * named values, written exactly (doubles as {@link Double#toString}, which reads back to the same
   * bits).
   */
  public static final class ResumeState {
    private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]*");
    private static final Pattern VALUE = Pattern.compile("[A-Za-z0-9_.+\\-]*");

    private final long step;
    private final String source;
    private final TreeMap<String, String> values = new TreeMap<>();

    /** An empty state for the checkpoint of {@code step}. */
    public ResumeState(long step) {
      this(step, "resume state");
    }

    private ResumeState(long step, String source) {
      Require.atLeast("step", step, 0);
      this.step = step;
      this.source = source;
    }

    public long step() {
      return step;
    }

    /** The values by name, sorted. */
    public Map<String, String> values() {
      return Collections.unmodifiableMap(values);
    }

    public boolean has(String name) {
      return values.containsKey(name);
    }

    /**
     * Sets a value; names are identifiers, values letters, digits and {@code _.+-}.
     *
     * @return this
     */
    public ResumeState put(String name, String value) {
      if (!NAME.matcher(name).matches())
        throw new IllegalArgumentException("bad resume state name '" + name + "'");
      if (!VALUE.matcher(value).matches()) {
        throw new IllegalArgumentException(
            "resume state value of '"
                + name
                + "' has characters outside "
                + "[A-Za-z0-9_.+-]: '"
                + value
                + "'");
      }
      values.put(name, value);
      return this;
    }

    public ResumeState put(String name, long value) {
      return put(name, Long.toString(value));
    }

    /** Stores the exact double (NaN and infinities included). */
    public ResumeState put(String name, double value) {
      return put(name, Double.toString(value));
    }

    public String getString(String name) throws IOException {
      String v = values.get(name);
      if (v == null) throw new IOException(source + " of step " + step + " lacks '" + name + "'");
      return v;
    }

    public long getLong(String name) throws IOException {
      return parse(name, Long::parseLong, "an integer");
    }

    public double getDouble(String name) throws IOException {
      return parse(name, Double::parseDouble, "a number");
    }

    private <T> T parse(String name, Function<String, T> parser, String what) throws IOException {
      try {
        return parser.apply(getString(name));
      } catch (NumberFormatException e) {
        throw new IOException(
            source + ": '" + step + "." + name + "' is not " + what + ": " + values.get(name), e);
      }
    }

    /**
     * Checks that the run being resumed uses the value the checkpoint was trained with (e.g. the
     * seed or batch size that the data order depends on); a state without the value (older var4j)
     * passes.
     *
     * @throws IOException naming the value, both settings and what to do
     */
    public void expect(String name, long value) throws IOException {
      if (has(name)) getLong(name); // a malformed number is reported as such
      expect(name, Long.toString(value));
    }

    /** As {@link #expect(String, long)}, for a value stored as a string. */
    public void expect(String name, String value) throws IOException {
      if (!has(name)) return;
      String saved = getString(name);
      if (!saved.equals(value)) {
        throw new IOException(
            "the checkpoint at step "
                + step
                + " ("
                + source
                + ") was trained with "
                + name
                + " "
                + saved
                + ", this run has "
                + name
                + " "
                + value
                + ": it would not continue the same run. Resume with "
                + name
                + " "
                + saved
                + ", or use another run directory.");
      }
    }

    @Override
    public String toString() {
      return "ResumeState(step " + step + ", " + values + ")";
    }
  }
}
