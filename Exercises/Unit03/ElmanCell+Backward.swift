import RNNCore
import RNNTraining
import Unit02

extension ElmanCell: BackpropagatingCell {
  /// One Elman step backward, the worked method of Lectures/03-bptt.md §2.
  ///
  /// The step is the forward pass of ``ElmanCell/forward(_:state:)``. This function gets the
  /// gradient of the loss with respect to `h_t` and returns the gradients of this one step.
  ///
  /// - Parameters:
  ///   - cache: the step's `x_t` (`B x E`), `h_{t-1}`, `z_t` and `h_t` (each `B x H`), as the
  ///     forward step stored them.
  ///   - stateGradient: the gradient of the loss with respect to `h_t` (`B x H`): *everything*
  ///     that reaches `h_t`, from the output layer at step `t` and from step `t + 1`.
  /// - Returns: the gradient with respect to `x_t` (`B x E`, it flows into the embedding rows),
  ///   with respect to `h_{t-1}` (`B x H`, it flows on to step `t - 1`), and a cell whose
  ///   blocks hold this step's gradients with respect to `W_hh` (`H x H`), `W_hx` (`H x E`) and
  ///   `b` (`1 x H`), with this cell's activation. Works for every ``RecurrentActivation``.
  public func backward(
    _ cache: StepCache, stateGradient dh: Matrix
  ) -> (inputGradient: Matrix, previousStateGradient: Matrix, gradients: ElmanCell) {
    shapePrecondition(
      dh.rows == cache.output.rows && dh.cols == hiddenSize,
      "ElmanCell.backward: ∂L/∂h_t is \(dh.shapeDescription), h_t is "
        + "\(cache.output.shapeDescription)")
    // Exercise 03.1: ElmanCell.backward.
    // Read Lectures/03-bptt.md §2, then replace this stub with your code.
    notImplemented("03.1", "ElmanCell.backward", lecture: "Lectures/03-bptt.md §2")
  }

  /// The Jacobian `Φ_t = ∂h_t/∂h_{t-1}` of one step, for a batch of one sequence
  /// (Lectures/03-bptt.md §6).
  ///
  /// - Parameter cache: the cache of a forward step with exactly one row (`B = 1`).
  /// - Returns: an `H x H` matrix whose entry `[i, j]` is the derivative of unit `i` of `h_t`
  ///   with respect to unit `j` of `h_{t-1}` (rows index the new state, columns the old one).
  ///   Works for every ``RecurrentActivation``.
  public func stateJacobian(_ cache: StepCache) -> Matrix {
    shapePrecondition(
      cache.output.rows == 1,
      "ElmanCell.stateJacobian: needs a cache of one sequence, got \(cache.output.rows) rows")
    // Exercise 03.4: ElmanCell.stateJacobian.
    // Read Lectures/03-bptt.md §6, then replace this stub with your code.
    notImplemented("03.4", "ElmanCell.stateJacobian", lecture: "Lectures/03-bptt.md §6")
  }
}
