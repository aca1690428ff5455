package io.github.var4j.experiments;

/**
 * A command line that cannot run as given: a bad value, options that conflict or do not apply, a
 * path that does not exist or holds the wrong thing. The CLI prints its message on one line and
 * exits with status 2; the message names the options as the user typed them.
 */
final class UsageException extends RuntimeException {
  UsageException(String message) {
    super(message);
  }
}
