import RNNCore
import RNNTraining

extension LSTMCell: BackpropagatingCell {
  /// One LSTM step backward (the method, the graph and numeric checkpoints are in
  /// Lectures/06-lstm.md §6).
  ///
  /// - Parameters:
  ///   - cache: what ``forward(_:state:)`` kept for this step: `x_t` (`B x E`), `h_{t-1}`,
  ///     `c_{t-1}`, the gates `i`, `f`, `g`, `o` after their nonlinearities, `c_t`, `tanh(c_t)`
  ///     and `h_t` (each `B x H`).
  ///   - stateGradient: an ``LSTMState`` of gradients, each `B x H`: the `hidden` part is the
  ///     gradient of the loss with respect to `h_t` (everything that reaches `h_t`), the `cell`
  ///     part the gradient with respect to `c_t` that step `t + 1` sent back (zero after the
  ///     last step unless something reads the final memory). The `cell` part does *not* yet
  ///     include the path from `c_t` through `h_t`.
  /// - Returns: the gradient with respect to `x_t` (`B x E`), the gradients with respect to
  ///   `(h_{t-1}, c_{t-1})` as an ``LSTMState``, and a cell whose blocks hold this step's
  ///   parameter gradients in the fused layout: `W` `4H x E`, `U` `4H x H`, `b` `1 x 4H`, gate
  ///   order i, f, g, o.
  public func backward(
    _ cache: StepCache, stateGradient: LSTMState
  ) -> (inputGradient: Matrix, previousStateGradient: LSTMState, gradients: LSTMCell) {
    shapePrecondition(
      stateGradient.hidden.rows == cache.output.rows && stateGradient.hidden.cols == hiddenSize,
      "LSTMCell.backward: ∂L/∂h_t is \(stateGradient.hidden.shapeDescription), h_t is "
        + "\(cache.output.shapeDescription)")
    // Exercise 06.3: LSTMCell.backward.
    // Read Lectures/06-lstm.md §6, then replace this stub with your code.
    notImplemented("06.3", "LSTMCell.backward", lecture: "Lectures/06-lstm.md §6")
  }
}
