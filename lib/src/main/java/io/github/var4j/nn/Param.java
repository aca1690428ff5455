package io.github.var4j.nn;

import org.tensorflow.Operand;
import org.tensorflow.op.core.AssignVariableOp;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.family.TType;

/**
 * One resource variable of a model, named by its official PyTorch state-dict key (e.g. {@code
 * encoder.down.0.block.0.conv1.weight}).
 *
 * @param name official state-dict key; also the TF checkpoint key and the variable's sharedName
 * @param torchShape the official (PyTorch) shape
 * @param layout how the PyTorch layout maps to the TF layout of {@link #value()}
 * @param trainable true for model parameters, false for state such as optimizer slots
 * @param init initializer (values in PyTorch layout)
 * @param handle the VarHandleOp output (take gradients w.r.t. this)
 * @param value the ReadVariableOp output, read once and reused by every consumer in the graph (TF
 *     layout)
 * @param assignIn placeholder feeding {@link #assign} (TF layout)
 * @param assign assigns {@link #assignIn} to the variable
 */
public record Param(
    String name,
    long[] torchShape,
    Layout layout,
    boolean trainable,
    Init init,
    Operand<? extends TType> handle,
    Operand<TFloat32> value,
    Placeholder<TFloat32> assignIn,
    AssignVariableOp assign) {

  public long[] tfShape() {
    return layout.tfShape(torchShape);
  }

  public int numel() {
    return Init.numel(torchShape);
  }
}
