package io.github.var4j.util;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;

/**
 * Copies of records with some components changed, through the canonical constructor (so the copy is
 * validated again and its error messages are the record's own). The configuration records' {@code
 * withX} methods are one line each on top of this instead of a call of a many-argument constructor
 * each.
 */
public final class Records {
  private Records() {}

  /**
   * A copy of {@code r} with the named components replaced: {@code with(cfg, "depth", 4,
   * "embedDim", 256)}.
   *
   * @param namesAndValues pairs of a component name and its new value (boxed primitives for
   *     primitives)
   * @throws IllegalArgumentException naming an unknown component, or the record's own validation
   *     message
   */
  @SuppressWarnings("unchecked")
  public static <R extends Record> R with(R r, Object... namesAndValues) {
    if (namesAndValues.length % 2 != 0) {
      throw new IllegalArgumentException(
          "expected component/value pairs, got " + namesAndValues.length + " values");
    }
    RecordComponent[] rc = r.getClass().getRecordComponents();
    Object[] args = new Object[rc.length];
    Class<?>[] types = new Class<?>[rc.length];
    try {
      for (int i = 0; i < rc.length; i++) {
        types[i] = rc[i].getType();
        args[i] = rc[i].getAccessor().invoke(r);
      }
      for (int j = 0; j < namesAndValues.length; j += 2) {
        String name = (String) namesAndValues[j];
        int at = -1;
        for (int i = 0; i < rc.length; i++) if (rc[i].getName().equals(name)) at = i;
        if (at < 0) {
          throw new IllegalArgumentException(
              r.getClass().getSimpleName()
                  + " has no component '"
                  + name
                  + "' (it has "
                  + Arrays.stream(rc).map(RecordComponent::getName).toList()
                  + ")");
        }
        args[at] = namesAndValues[j + 1];
      }
      Constructor<R> c = (Constructor<R>) r.getClass().getDeclaredConstructor(types);
      return c.newInstance(args);
    } catch (InvocationTargetException e) {
      if (e.getCause() instanceof RuntimeException re) throw re;
      throw new IllegalStateException(e.getCause());
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot copy " + r.getClass().getSimpleName() + ": " + e, e);
    }
  }
}
