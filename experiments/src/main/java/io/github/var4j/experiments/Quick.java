package io.github.var4j.experiments;

/** Quick mode ({@code VAR4J_QUICK=1}): tiny runs for CI and smoke tests. */
final class Quick {
  private Quick() {}

  static boolean enabled() {
    String v = System.getenv("VAR4J_QUICK");
    return v != null && !v.isBlank() && !v.equals("0") && !v.equalsIgnoreCase("false");
  }
}
