package io.github.var4j.nn;

import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.GraphOptions;
import org.tensorflow.proto.RewriterConfig;

/**
 * Creates sessions with thread settings suited to the graph. Override with the environment
 * variables {@code VAR4J_INTRA_THREADS} and {@code VAR4J_INTER_THREADS}.
 */
public final class Sessions {
  private Sessions() {}

  /** A session with TF's graph rewrites (grappler), for the training and evaluation graphs. */
  public static Session create(Graph g) {
    return new Session(g, config());
  }

  /**
   * A session without grappler's graph rewrites, for the sampling graphs: their steps are unrolled
   * into one graph (64 KV-cached steps for the raster baseline), which grappler takes seconds to
   * rewrite at the first run, and which run no faster after it. Measured on 2 cores: the raster
   * baseline's first batch 12 s with the rewrites, 3 s without, VAR's 2.2 s and 1.4 s, the same
   * time per batch afterwards ({@code bench-sample}); a 256-step raster graph at batch 1 0.43 s per
   * image with them and 0.23 s without ({@code bench-complexity}). {@code
   * VAR4J_SAMPLER_GRAPPLER=on} keeps the rewrites (to compare).
   */
  public static Session createForSampling(Graph g) {
    boolean rewrites = "on".equals(System.getenv("VAR4J_SAMPLER_GRAPPLER"));
    return new Session(g, rewrites ? config() : withoutRewrites(config()));
  }

  /** The session settings: intra/inter-op threads, soft placement. */
  public static ConfigProto config() {
    int cores = Runtime.getRuntime().availableProcessors();
    int intra = envInt("VAR4J_INTRA_THREADS", cores);
    int inter = envInt("VAR4J_INTER_THREADS", 2);
    return ConfigProto.newBuilder()
        .setIntraOpParallelismThreads(intra)
        .setInterOpParallelismThreads(inter)
        .setAllowSoftPlacement(true)
        .build();
  }

  /** {@code config} with grappler's meta optimizer (every graph rewrite) turned off. */
  static ConfigProto withoutRewrites(ConfigProto config) {
    return config.toBuilder()
        .setGraphOptions(
            GraphOptions.newBuilder()
                .setRewriteOptions(RewriterConfig.newBuilder().setDisableMetaOptimizer(true)))
        .build();
  }

  private static int envInt(String name, int dflt) {
    String v = System.getenv(name);
    if (v == null || v.isBlank()) return dflt;
    try {
      return Integer.parseInt(v.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be an integer, got '" + v + "'");
    }
  }
}
