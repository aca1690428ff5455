package io.github.var4j.nn;

import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.proto.ConfigProto;

/**
 * Creates sessions with thread settings suited to the graph. Override with the environment
 * variables {@code VAR4J_INTRA_THREADS} and {@code VAR4J_INTER_THREADS}.
 */
public final class Sessions {
  private Sessions() {}

  public static Session create(Graph g) {
    return new Session(g, config());
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
