package io.github.var4j.sample;

import java.util.List;

/** A traced sampling run: the result and the intermediate tensors of every step. */
public record SampleTrace(SampleResult result, List<StepTrace> steps) {
  public SampleTrace {
    steps = List.copyOf(steps);
  }
}
