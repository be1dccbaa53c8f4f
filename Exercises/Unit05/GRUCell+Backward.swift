import RNNCore
import RNNTraining

extension GRUCell: BackpropagatingCell {
  /// One GRU step backward (the method, the graph and numeric checkpoints are in
  /// Lectures/05-gru.md §5).
  ///
  /// - Parameters:
  ///   - cache: what ``forward(_:state:)`` kept for this step: `x_t` (`B x E`) and `h_{t-1}`,
  ///     `z_t`, `r_t`, `h̃_t`, `h_t` (each `B x H`, the gates after their nonlinearity).
  ///   - stateGradient: the gradient of the loss with respect to `h_t` (`B x H`): everything
  ///     that reaches `h_t`.
  /// - Returns: the gradient with respect to `x_t` (`B x E`), the gradient with respect to
  ///   `h_{t-1}` (`B x H`, along *every* path by which `h_{t-1}` reaches `h_t`), and a cell
  ///   whose blocks hold this step's parameter gradients in the fused layout of the forward
  ///   pass: `W` `3H x E`, `U` `3H x H`, `b` `1 x 3H`, gate order z, r, h̃.
  public func backward(
    _ cache: StepCache, stateGradient dh: Matrix
  ) -> (inputGradient: Matrix, previousStateGradient: Matrix, gradients: GRUCell) {
    shapePrecondition(
      dh.rows == cache.output.rows && dh.cols == hiddenSize,
      "GRUCell.backward: ∂L/∂h_t is \(dh.shapeDescription), h_t is "
        + "\(cache.output.shapeDescription)")
    // Exercise 05.2: GRUCell.backward.
    // Read Lectures/05-gru.md §5, then replace this stub with your code.
    notImplemented("05.2", "GRUCell.backward", lecture: "Lectures/05-gru.md §5")
  }
}
