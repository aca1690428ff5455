package io.github.var4j.util;

import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;

/**
 * The one check that the configuration records' builders share: every component was given before
 * {@code build()} calls the canonical constructor (which then validates the values themselves).
 */
public final class RecordBuilders {
  private RecordBuilders() {}

  /**
   * Passes if no bit of {@code unset} is set; otherwise names the components not given yet.
   *
   * @param type the record the builder builds
   * @param unset bit i set: component i (in declaration order) has no value yet
   * @throws IllegalStateException "VarConfig.Builder: no value for numHeads, order"
   */
  public static void requireAll(Class<? extends Record> type, int unset) {
    if (unset == 0) return;
    RecordComponent[] rc = type.getRecordComponents();
    List<String> missing = new ArrayList<>();
    for (int i = 0; i < rc.length; i++) if ((unset & (1 << i)) != 0) missing.add(rc[i].getName());
    throw new IllegalStateException(
        type.getSimpleName() + ".Builder: no value for " + String.join(", ", missing));
  }
}
