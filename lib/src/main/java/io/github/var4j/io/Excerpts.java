package io.github.var4j.io;

/**
 * Pieces of a damaged file (a header, a name, a row, a parser's message) quoted in an error
 * message: on one line and short, so that a message stays one readable line whatever the file
 * holds.
 */
public final class Excerpts {
  private Excerpts() {}

  /**
   * {@code s} with every control character (line breaks included) shown as {@code \}{@code uXXXX}
   * and cut to {@code max} characters (then ending with "...").
   */
  public static String of(String s, int max) {
    if (s == null) return "null";
    StringBuilder sb = new StringBuilder(Math.min(s.length(), max) + 8);
    int i = 0;
    for (; i < s.length() && sb.length() <= max; i++) {
      char c = s.charAt(i);
      if (Character.isISOControl(c)
          || Character.isSurrogate(c)
          || c == '\ufffd'
          || c == '\u2028'
          || c == '\u2029') sb.append(String.format("\\u%04x", (int) c));
      else sb.append(c);
    }
    if (i < s.length() || sb.length() > max) {
      sb.setLength(Math.min(sb.length(), max));
      sb.append("...");
    }
    return sb.toString();
  }

  /** {@link #of(String, int)} with at most 120 characters. */
  public static String of(String s) {
    return of(s, 120);
  }
}
