package io.github.var4j.transformer;

import static org.junit.jupiter.api.Assertions.*;

import io.github.var4j.scale.ScaleSchedule;
import org.junit.jupiter.api.Test;

class FlopsTest {
  /** depth 1, C 4, 1 head, mlp 2 (hidden 8), Cvae 2, V 3, schedule (1, 2): L = 5. */
  private static final VarConfig TINY =
      VarConfig.ofDepth(1, 3, 2, 2, ScaleSchedule.of(1, 2))
          .withEmbedDim(4)
          .withNumHeads(1)
          .withMlpRatio(2);

  @Test
  void countedByHandOnATinyConfiguration() {
    // per token: word_embed 2·4 = 8; qkv 3·16 = 48; proj 16; fc1 4·8 = 32; fc2 8·4 = 32; head 4·3 =
    // 12 -> 148 multiply-adds
    assertEquals(148, Flops.perTokenMacs(TINY));
    // per image: ada_lin 6·16 = 96, head_nm ada 2·16 = 32
    assertEquals(128, Flops.perImageMacs(TINY));
    // forward: 2·(5·148 + 128) = 1736, attention 1 block · 2 matmuls · 2 FLOPs · 5·5·4 = 400
    assertEquals(2136, Flops.forward(TINY));
    assertEquals(3 * 2136 * 7, Flops.trainingStep(TINY, 7));
    // raster order of one 2x2 map: L = 4 tokens
    VarConfig raster = TINY.withPatchNums(ScaleSchedule.of(2)).withOrder(TokenOrder.RASTER);
    assertEquals(2 * (4 * 148 + 128) + 4 * 4 * 4 * 4, Flops.forward(raster));
    // parameters: block 3·16 + 2·4 (q/v bias) + 16 + 4 (proj) + 32 + 8 + 32 + 4 (FFN) + 1
    // (scale_mul)
    // + 96 + 24 (ada_lin) = 273; head_nm 2·16 + 8 = 40 -> N = 313 without the embeddings;
    // word_embed 2·4 + 4, class_emb 3·4, pos 1·4 + 5·4, lvl_embed 2·4, head 4·3 + 3 -> 71 more
    assertEquals(313, TINY.nonEmbeddingParams());
    assertEquals(384, TINY.numParams());
    // sampling with CFG (2 rows) and the cache: step 0 draws 1 token seeing 1 key, step 1 draws 4
    // seeing 5: 2·[2·128 + (2·1·148 + 1·4·1·1·4) + (2·4·148 + 1·4·4·5·4)] = 2·2072
    assertEquals(4144, Flops.sampling(TINY));
    // without the cache step 0 is a forward over 1 token (2·(148 + 128) + 16), step 1 one over 5
    assertEquals(2 * (568 + 2136), Flops.samplingWithoutCache(TINY));
    // raster 2x2: 4 steps of 1 token seeing p = 1..4 keys
    assertEquals(2 * (256 + 4 * 296 + 16 * (1 + 2 + 3 + 4)), Flops.sampling(raster));
    long uncached = 0;
    for (int p = 1; p <= 4; p++) uncached += 2 * (p * 148 + 128) + 16 * p * p;
    assertEquals(2 * uncached, Flops.samplingWithoutCache(raster));
    assertEquals(
        "batch must be positive, got 0",
        assertThrows(IllegalArgumentException.class, () -> Flops.trainingStep(TINY, 0))
            .getMessage());
  }
}
