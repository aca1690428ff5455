package io.github.var4j.app;

import static org.junit.jupiter.api.Assertions.*;

import io.github.var4j.sample.ImageSampler;
import io.github.var4j.sample.SampleOptions;
import io.github.var4j.sample.TokenPruning;
import io.github.var4j.sample.VarSampler;
import io.github.var4j.store.ModelDir;
import io.github.var4j.store.ModelKind;
import io.github.var4j.testutil.TinyFixture;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Quality-table rows with collaborative decoding: the row's checks, its withers, and the sampler it
 * opens (a drafter handing over to an equal refiner samples what the drafter alone does).
 */
class CollaborativeRowTest {
  private static final TinyFixture T = TinyFixture.get();

  @Test
  void rowsCheckTheirRefinerAndKeepItThroughTheirWithers() {
    SampleOptions o = SampleOptions.greedy(T.cfg());
    QualityRow plain = new QualityRow("a", Path.of("m"), Path.of("t"), o, 1);
    assertNull(plain.refiner());
    assertEquals(-1, plain.refinerFrom());
    QualityRow code = plain.withRefiner(Path.of("r"), 3);
    assertEquals(Path.of("r"), code.refiner());
    assertEquals(3, code.refinerFrom());
    QualityRow reseeded = code.withOpts(o.withSeed(9));
    assertEquals(Path.of("r"), reseeded.refiner());
    assertEquals(3, reseeded.refinerFrom());
    assertEquals(9, reseeded.opts().seed());
    assertEquals(
        "the refiner's first step must be >= 1 (the drafter draws step 0), got 0",
        assertThrows(IllegalArgumentException.class, () -> plain.withRefiner(Path.of("r"), 0))
            .getMessage());
    assertEquals(
        "refinerFrom must be -1 without a refiner, got 2",
        assertThrows(
                IllegalArgumentException.class,
                () -> new QualityRow("a", Path.of("m"), Path.of("t"), o, 1, null, 2, null))
            .getMessage());
  }

  @Test
  void handingOverToAnEqualRefinerSamplesWhatTheDrafterDoes(@TempDir Path tmp) throws IOException {
    Path var = tmp.resolve("var"), tok = tmp.resolve("tok");
    ModelDir.save(var, ModelKind.VAR, T.varConfig(), TinyFixture.varParams());
    ModelDir.save(tok, ModelKind.TOKENIZER, T.vqVaeConfig(), TinyFixture.vaeParams());
    int k = T.varConfig().numSteps();
    SampleOptions o = SampleOptions.greedy(T.cfg());
    try (ImageSampler one = TrainedModels.openImageSampler(var, tok, T.B());
        VarSampler two = TrainedModels.openCollaborative(var, var, k - 1, tok, T.B())) {
      assertArrayEquals(one.images(T.labels(), o), two.images(T.labels(), o), 0f);
    }
    String m =
        assertThrows(
                IllegalArgumentException.class,
                () -> TrainedModels.openCollaborative(var, var, k, tok, T.B()))
            .getMessage();
    assertEquals("the refiner's first step must be in [1, " + k + "), got " + k, m);
  }

  /**
   * A row with token pruning keeps it through its withers; pruning that keeps every token samples
   * what the plain model does, alone and in a hand-over; a first pruned step past the last is
   * refused.
   */
  @Test
  void prunedRowsSampleThroughTheirPruning(@TempDir Path tmp) throws IOException {
    Path var = tmp.resolve("var"), tok = tmp.resolve("tok");
    ModelDir.save(var, ModelKind.VAR, T.varConfig(), TinyFixture.varParams());
    ModelDir.save(tok, ModelKind.TOKENIZER, T.vqVaeConfig(), TinyFixture.vaeParams());
    int k = T.varConfig().numSteps();
    SampleOptions o = SampleOptions.greedy(T.cfg());
    TokenPruning all = new TokenPruning(1, 1);
    QualityRow row = new QualityRow("a", var, tok, o, 1).withPruning(all);
    assertEquals(all, row.withOpts(o.withSeed(9)).pruning());
    assertEquals(all, row.withRefiner(var, k - 1).pruning());
    try (ImageSampler one = TrainedModels.openImageSampler(var, tok, T.B());
        ImageSampler pruned = TrainedModels.openImageSampler(row, T.B());
        ImageSampler both = TrainedModels.openImageSampler(row.withRefiner(var, k - 1), T.B())) {
      float[] plain = one.images(T.labels(), o);
      assertArrayEquals(plain, pruned.images(T.labels(), o), 0f);
      assertArrayEquals(plain, both.images(T.labels(), o), 0f);
    }
    String m =
        assertThrows(
                IllegalArgumentException.class,
                () -> TrainedModels.openPruned(var, new TokenPruning(0.5, k), tok, T.B()))
            .getMessage();
    assertEquals("the first pruned step must be in [1, " + k + "), got " + k, m);
  }
}
