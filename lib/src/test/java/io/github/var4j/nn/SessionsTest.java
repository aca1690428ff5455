package io.github.var4j.nn;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;
import org.tensorflow.proto.ConfigProto;

/** The two session settings: with grappler's rewrites (training) and without (sampling). */
class SessionsTest {
  @Test
  void samplingSessionsKeepTheThreadsAndDropOnlyTheRewrites() {
    ConfigProto with = Sessions.config(), without = Sessions.withoutRewrites(with);
    assertFalse(with.getGraphOptions().getRewriteOptions().getDisableMetaOptimizer());
    assertTrue(without.getGraphOptions().getRewriteOptions().getDisableMetaOptimizer());
    assertEquals(
        with,
        without.toBuilder().clearGraphOptions().build(),
        "nothing else differs: threads, soft placement");
  }
}
