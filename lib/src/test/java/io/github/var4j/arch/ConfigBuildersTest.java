package io.github.var4j.arch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.var4j.io.Json;
import io.github.var4j.optim.LrSchedule;
import io.github.var4j.quant.QuantizerConfig;
import io.github.var4j.sample.SampleOptions;
import io.github.var4j.scale.ScaleSchedule;
import io.github.var4j.train.ClassifierTrainConfig;
import io.github.var4j.train.TokenizerTrainConfig;
import io.github.var4j.train.VarTrainConfig;
import io.github.var4j.transformer.TokenOrder;
import io.github.var4j.transformer.VarConfig;
import io.github.var4j.vae.VqVaeConfig;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * The configuration records' builders, checked against the records themselves by reflection: a
 * builder has a setter named and typed like every component (so renaming or retyping a component
 * without its setter fails here, not silently in a caller), every setter reaches its component,
 * {@code build()} validates exactly as the canonical constructor does, and the JSON of a
 * configuration (what {@code config.json} holds) has the components and nothing else. Also checks
 * that no source outside a record calls its constructor with more than five positional arguments.
 */
class ConfigBuildersTest {

  /**
   * Two valid configurations of each record with builders: {@code a} (a factory's) and {@code b},
   * which differs from {@code a} in every component, and whose components of one type differ from
   * each other, so that a setter that writes the wrong component shows.
   */
  record Pair(Record a, Record b) {}

  static final List<Pair> CONFIGS =
      List.of(
          new Pair(
              VarConfig.ofDepth(2, 64, 8, 10, ScaleSchedule.of(4)).withSharedAdaLN(true),
              VarConfig.builder()
                  .vocabSize(32)
                  .cvae(4)
                  .numClasses(3)
                  .depth(5)
                  .embedDim(64)
                  .numHeads(8)
                  .mlpRatio(2.5)
                  .dropPathRate(0.2)
                  .normEps(1e-5)
                  .condDropRate(0.3)
                  .attnL2Norm(false)
                  .sharedAdaLN(false)
                  .patchNums(ScaleSchedule.of(3))
                  .initAdaLN(0.7)
                  .initAdaLNGamma(1e-3)
                  .initHead(0.05)
                  .initStd(0.01)
                  .order(TokenOrder.RASTER)
                  .adaLN(false)
                  .build()),
          new Pair(
              VqVaeConfig.fashionMnistDefault(),
              VqVaeConfig.builder()
                  .inChannels(3)
                  .ch(96)
                  .chMult(1, 2, 2, 4)
                  .numResBlocks(2)
                  .zChannels(8)
                  .vocabSize(256)
                  .patchNums(ScaleSchedule.of(1, 2, 4, 8))
                  .beta(0.5)
                  .quantResi(0.25)
                  .shareQuantResi(1)
                  .imageSize(64)
                  .build()),
          new Pair(
              VqVaeConfig.fashionMnistDefault().quantizerConfig(),
              QuantizerConfig.builder()
                  .vocabSize(32)
                  .cvae(4)
                  .patchNums(ScaleSchedule.of(1, 2))
                  .beta(0.5)
                  .quantResi(0.3)
                  .shareQuantResi(2)
                  .build()),
          new Pair(
              VarTrainConfig.fashionMnistDefault(),
              VarTrainConfig.builder()
                  .depth(6)
                  .width(384)
                  .heads(4)
                  .batchSize(32)
                  .steps(1000)
                  .peakLr(3e-3)
                  .warmupFrac(0.1)
                  .wpe(0.2)
                  .weightDecay(0.01)
                  .clip(1.0)
                  .labelSmoothing(0.05)
                  .condDropRate(0.15)
                  .evalEvery(100)
                  .evalImages(500)
                  .checkpointEvery(200)
                  .logEvery(10)
                  .seed(5)
                  .build()),
          new Pair(
              TokenizerTrainConfig.fashionMnistDefault(),
              TokenizerTrainConfig.builder()
                  .batchSize(16)
                  .steps(400)
                  .lr(2e-3)
                  .warmupSteps(20)
                  .weightDecay(0.01)
                  .l1Weight(0.5)
                  .l2Weight(2.0)
                  .vqWeight(0.75)
                  .perceptualWeight(0.1)
                  .ganWeight(0.3)
                  .ganStartStep(100)
                  .ganAdaptive(true)
                  .deadCodeEvery(50)
                  .checkpointEvery(200)
                  .logEvery(10)
                  .seed(9)
                  .build()),
          new Pair(
              ClassifierTrainConfig.fashionMnistDefault(1000),
              ClassifierTrainConfig.builder()
                  .batchSize(32)
                  .steps(600)
                  .lr(1e-3)
                  .warmupSteps(30)
                  .schedule("lin0")
                  .weightDecay(0.01)
                  .flip(false)
                  .maxShift(2)
                  .checkpointEvery(100)
                  .logEvery(20)
                  .seed(4)
                  .build()),
          new Pair(
              LrSchedule.official(1e-3, 5, 100),
              LrSchedule.builder()
                  .sche("cos")
                  .peakLr(2e-3)
                  .wpIt(10)
                  .maxIt(200)
                  .wp0(0.01)
                  .wpe(0.1)
                  .twd(0.02)
                  .twde(0.03)
                  .build()),
          new Pair(
              SampleOptions.standard(7),
              SampleOptions.builder()
                  .cfg(3.0)
                  .topK(20)
                  .topP(0.5)
                  .moreSmooth(true)
                  .seed(11)
                  .greedy(true)
                  .build()));

  @Test
  void theBuilderHasASetterNamedAndTypedLikeEveryComponent() throws Throwable {
    for (Class<?> type : configTypes()) {
      Class<?> builder = builderOf(type);
      assertEquals(builder, type.getMethod("builder").getReturnType(), type.getSimpleName());
      assertTrue(Modifier.isStatic(type.getMethod("builder").getModifiers()));
      assertEquals(builder, type.getMethod("toBuilder").getReturnType(), type.getSimpleName());
      TreeSet<String> expected = new TreeSet<>(List.of("build"));
      for (RecordComponent rc : type.getRecordComponents()) {
        Method m;
        try {
          m = builder.getMethod(rc.getName(), rc.getType());
        } catch (NoSuchMethodException e) {
          throw new AssertionError(
              type.getSimpleName()
                  + ".Builder has no method "
                  + rc.getName()
                  + "("
                  + rc.getType().getSimpleName()
                  + ")",
              e);
        }
        assertEquals(builder, m.getReturnType(), m.toString());
        expected.add(rc.getName());
      }
      assertEquals(type, builder.getMethod("build").getReturnType());
      TreeSet<String> declared = new TreeSet<>();
      for (Method m : builder.getDeclaredMethods())
        if (Modifier.isPublic(m.getModifiers())) declared.add(m.getName());
      assertEquals(expected, declared, type.getSimpleName() + ".Builder: a setter per component");
    }
  }

  @Test
  void everyRecordWithABuilderIsCheckedHere() throws IOException {
    Pattern record = Pattern.compile("^public record (\\w+)\\(", Pattern.MULTILINE);
    TreeSet<String> withBuilders = new TreeSet<>();
    try (Stream<Path> s = Files.walk(LayeringTest.mainSources())) {
      for (Path f : (Iterable<Path>) s.filter(p -> p.toString().endsWith(".java"))::iterator) {
        String src = Files.readString(f);
        Matcher m = record.matcher(src);
        if (m.find()
            && (src.contains("public static final class Builder")
                || Files.exists(f.resolveSibling(m.group(1) + "Builder.java"))))
          withBuilders.add(m.group(1));
      }
    }
    TreeSet<String> checked = new TreeSet<>();
    for (Class<?> type : configTypes()) checked.add(type.getSimpleName());
    assertEquals(withBuilders, checked);
  }

  @Test
  void toBuilderBuildGivesAnEqualConfiguration() throws Throwable {
    for (Pair p : CONFIGS) {
      for (Record r : List.of(p.a(), p.b())) {
        assertEquals(r, build(toBuilder(r)));
        assertEquals(r.toString(), build(toBuilder(r)).toString());
      }
    }
  }

  @Test
  void theTwoConfigurationsOfEachPairDifferInEveryComponent() throws Throwable {
    for (Pair p : CONFIGS) {
      for (RecordComponent rc : p.a().getClass().getRecordComponents()) {
        assertNotEquals(
            value(rc, p.a()), value(rc, p.b()), p.a().getClass().getSimpleName() + " " + rc);
      }
    }
  }

  @Test
  void everyComponentIsSettableFromAnEmptyBuilder() throws Throwable {
    for (Pair p : CONFIGS) {
      for (Record r : List.of(p.a(), p.b())) {
        Object builder = r.getClass().getMethod("builder").invoke(null);
        for (RecordComponent rc : r.getClass().getRecordComponents())
          set(builder, rc, rc.getAccessor().invoke(r));
        assertEquals(r, build(builder));
      }
      Object builder = toBuilder(p.a());
      for (RecordComponent rc : p.a().getClass().getRecordComponents())
        set(builder, rc, rc.getAccessor().invoke(p.b()));
      assertEquals(p.b(), build(builder));
    }
  }

  /**
   * Changing one component through the builder does what the canonical constructor does with that
   * one argument changed: the same configuration, or the same exception with the same message.
   */
  @Test
  void oneChangedComponentBuildsLikeTheCanonicalConstructor() throws Throwable {
    int valid = 0, invalid = 0;
    for (Pair p : CONFIGS) {
      Class<?> type = p.a().getClass();
      RecordComponent[] rcs = type.getRecordComponents();
      for (int i = 0; i < rcs.length; i++) {
        Object[] args = new Object[rcs.length];
        Class<?>[] types = new Class<?>[rcs.length];
        for (int j = 0; j < rcs.length; j++) {
          types[j] = rcs[j].getType();
          args[j] = rcs[j].getAccessor().invoke(j == i ? p.b() : p.a());
        }
        Object builder = toBuilder(p.a());
        set(builder, rcs[i], args[i]);
        String what = type.getSimpleName() + " with " + rcs[i].getName() + " of b";
        Object expected;
        try {
          expected = type.getDeclaredConstructor(types).newInstance(args);
        } catch (InvocationTargetException e) {
          Throwable t = e.getCause();
          Throwable got = assertThrows(t.getClass(), () -> build(builder), what);
          assertEquals(t.getMessage(), got.getMessage(), what);
          invalid++;
          continue;
        }
        Record built = build(builder);
        assertEquals(expected, built, what);
        assertTrue(
            Objects.deepEquals(args[i], rcs[i].getAccessor().invoke(built)),
            what + ": the setter changed " + rcs[i].getName());
        valid++;
      }
    }
    assertTrue(valid >= 85, valid + " valid single changes");
    assertTrue(invalid < 5, invalid + " invalid single changes");
  }

  @Test
  void aComponentNeverSetIsNamed() throws Throwable {
    for (Pair p : CONFIGS) {
      Class<?> type = p.a().getClass();
      RecordComponent[] rcs = type.getRecordComponents();
      for (int i = 0; i < rcs.length; i++) {
        Object builder = type.getMethod("builder").invoke(null);
        for (int j = 0; j < rcs.length; j++)
          if (j != i) set(builder, rcs[j], rcs[j].getAccessor().invoke(p.a()));
        assertEquals(
            type.getSimpleName() + ".Builder: no value for " + rcs[i].getName(),
            assertThrows(IllegalStateException.class, () -> build(builder)).getMessage());
      }
    }
    assertEquals(
        "SampleOptions.Builder: no value for topK, moreSmooth, greedy",
        assertThrows(
                IllegalStateException.class,
                () -> SampleOptions.builder().cfg(1.5).topP(0.9).seed(1).build())
            .getMessage());
  }

  @Test
  void aBadValueFailsWithTheRecordsOwnMessage() {
    assertMessage(
        "embedDim must be divisible by numHeads, got embedDim=128, numHeads=3",
        () -> VarConfig.ofDepth(2, 64, 8, 10, ScaleSchedule.of(4)).toBuilder().numHeads(3).build());
    assertMessage(
        "a raster-order model reads one token map: patchNums must have one scale, got [1, 2]",
        () ->
            VarConfig.ofDepth(2, 64, 8, 10, ScaleSchedule.of(1, 2)).toBuilder()
                .order(TokenOrder.RASTER)
                .build());
    assertMessage(
        "ch = 48 is not a multiple of 32: every VAE channel count (ch * chMult[i]) feeds a"
            + " GroupNorm with 32 groups",
        () -> VqVaeConfig.fashionMnistDefault().toBuilder().ch(48).build());
    assertMessage(
        "chMult must not be empty",
        () -> VqVaeConfig.fashionMnistDefault().toBuilder().chMult().build());
    assertMessage(
        "vocabSize must be >= 2, got 1",
        () -> QuantizerConfig.official(ScaleSchedule.of(1, 2)).toBuilder().vocabSize(1).build());
    assertMessage(
        "steps must be >= 2, got 1",
        () -> VarTrainConfig.fashionMnistDefault().toBuilder().steps(1).build());
    assertMessage(
        "reconstruction weights must be >= 0 and not both 0, got l1=0.0 l2=0.0",
        () -> TokenizerTrainConfig.quick(5).toBuilder().l1Weight(0).l2Weight(0).build());
    assertMessage(
        "schedule must be cos or lin0, got step",
        () -> ClassifierTrainConfig.quick(5).toBuilder().schedule("step").build());
    assertMessage(
        "unknown schedule type 'step' (expected lin0, lin, lin00, lin<T>, cos, exp)",
        () -> LrSchedule.official(1e-3, 5, 100).toBuilder().sche("step").build());
    assertMessage(
        "top_p must be in [0, 1], got 1.5",
        () -> SampleOptions.standard(0).toBuilder().topP(1.5).build());
  }

  @Test
  void theBuilderCopiesAnArrayItIsGiven() {
    int[] mult = {1, 2, 2};
    VqVaeConfig.Builder b = VqVaeConfig.fashionMnistDefault().toBuilder().chMult(mult);
    mult[0] = 7;
    assertArrayEquals(new int[] {1, 2, 2}, b.build().chMult());
  }

  /** What {@code config.json} holds of a configuration: its components, in order, nothing else. */
  @Test
  void theJsonHasExactlyTheComponents() throws Throwable {
    for (Pair p : CONFIGS) {
      for (Record r : List.of(p.a(), p.b())) {
        List<String> keys = new ArrayList<>();
        for (Iterator<String> it = Json.tree(r).fieldNames(); it.hasNext(); ) keys.add(it.next());
        List<String> components =
            Arrays.stream(r.getClass().getRecordComponents())
                .map(RecordComponent::getName)
                .toList();
        assertEquals(components, keys, r.getClass().getSimpleName());
        JsonNode tree = Json.tree(r);
        assertEquals(r, Json.convert(tree, r.getClass(), "test"));
      }
    }
  }

  /** Constructor calls of the configuration records with more than five positional arguments. */
  @Test
  void noPositionalConstructorCallWithMoreThanFiveArgumentsOutsideTheRecord() throws IOException {
    Path root = Path.of(System.getProperty("var4j.root", ".."));
    List<String> offenders = new ArrayList<>();
    for (String dir :
        List.of("lib/src/main", "lib/src/test", "experiments/src/main", "experiments/src/test")) {
      Path d = root.resolve(dir);
      if (!Files.isDirectory(d)) continue;
      try (Stream<Path> s = Files.walk(d)) {
        for (Path f : (Iterable<Path>) s.filter(p -> p.toString().endsWith(".java"))::iterator) {
          String src = Files.readString(f);
          for (Class<?> type : configTypes()) {
            String name = type.getSimpleName();
            String file = f.getFileName().toString();
            if (file.equals(name + ".java") || file.equals(name + "Builder.java")) continue;
            Matcher m = Pattern.compile("new\\s+(?:[\\w.]+\\.)?" + name + "\\s*\\(").matcher(src);
            while (m.find()) {
              int args = topLevelArguments(src, m.end());
              if (args > 5) {
                int line = (int) src.substring(0, m.start()).chars().filter(c -> c == '\n').count();
                offenders.add(
                    f.getFileName() + ":" + (line + 1) + " new " + name + " (" + args + ")");
              }
            }
          }
        }
      }
    }
    assertEquals(List.of(), offenders, "use the record's builder or a factory");
  }

  /** The number of arguments of the call whose argument list starts at {@code from}. */
  static int topLevelArguments(String src, int from) {
    int depth = 1, commas = 0;
    boolean any = false, inString = false;
    for (int i = from; i < src.length() && depth > 0; i++) {
      char c = src.charAt(i);
      if (inString) {
        if (c == '\\') i++;
        else if (c == '"') inString = false;
      } else if (c == '"') inString = true;
      else if (c == '(' || c == '[' || c == '{') depth++;
      else if (c == ')' || c == ']' || c == '}') depth--;
      else if (c == ',' && depth == 1) commas++;
      if (depth > 0 && !Character.isWhitespace(c)) any = true;
    }
    return any ? commas + 1 : 0;
  }

  @Test
  void theArgumentCounterCountsTopLevelArgumentsOnly() {
    assertEquals(0, topLevelArguments("f( )", 2));
    assertEquals(3, topLevelArguments("f(a, g(b, c), new int[] {1, 2})", 2));
    assertEquals(2, topLevelArguments("f(\"a, b\", c)", 2));
  }

  // ---- reflection helpers ----

  static List<Class<?>> configTypes() {
    return CONFIGS.stream().<Class<?>>map(p -> p.a().getClass()).toList();
  }

  /**
   * A record's builder: its nested {@code Builder}, or for a large record (whose file would pass
   * 450 lines) the top-level {@code <Record>Builder} of its package.
   */
  static Class<?> builderOf(Class<?> type) {
    for (Class<?> c : type.getDeclaredClasses()) if (c.getSimpleName().equals("Builder")) return c;
    try {
      return Class.forName(type.getName() + "Builder");
    } catch (ClassNotFoundException e) {
      fail(
          type.getSimpleName()
              + " has no nested Builder and no "
              + type.getSimpleName()
              + "Builder");
      return null;
    }
  }

  static Object toBuilder(Record r) throws ReflectiveOperationException {
    return r.getClass().getMethod("toBuilder").invoke(r);
  }

  static void set(Object builder, RecordComponent rc, Object v)
      throws ReflectiveOperationException {
    builder.getClass().getMethod(rc.getName(), rc.getType()).invoke(builder, v);
  }

  static Object value(RecordComponent rc, Record r) throws ReflectiveOperationException {
    Object v = rc.getAccessor().invoke(r);
    return v instanceof int[] a ? Arrays.toString(a) : v;
  }

  /** {@code builder.build()}, rethrowing what it throws. */
  static Record build(Object builder) throws Throwable {
    try {
      return (Record) builder.getClass().getMethod("build").invoke(builder);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  static void assertMessage(String expected, Executable e) {
    assertEquals(expected, assertThrows(IllegalArgumentException.class, e).getMessage());
  }
}
