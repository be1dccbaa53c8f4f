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
    // BEGIN SOLUTION 06.3 LSTMCell.backward | Lectures/06-lstm.md §6
    // dc = dc' + dh ⊙ o ⊙ (1 - tanh²(c_t)); do = dh ⊙ tanh(c_t), di = dc ⊙ g, df = dc ⊙ c_{t-1},
    // dg = dc ⊙ i; da = [di ⊙ i(1-i) | df ⊙ f(1-f) | dg ⊙ (1-g²) | do ⊙ o(1-o)] (order i f g o);
    // ∂L/∂W = daᵀ x_t, ∂L/∂U = daᵀ h_{t-1}, ∂L/∂b = the column sums of da; ∂L/∂x_t = da W,
    // ∂L/∂h_{t-1} = da U, ∂L/∂c_{t-1} = dc ⊙ f (the additive memory path).
    let dh = stateGradient.hidden
    let (i, f, g, o) = (cache.inputGate, cache.forgetGate, cache.candidate, cache.outputGate)
    let dOutputGate = dh * cache.cellTanh
    let dCell = stateGradient.cell + dh * o * cache.cellTanh.map { 1 - $0 * $0 }
    let da = Matrix.hstack([
      dCell * g * i.map { $0 * (1 - $0) },
      dCell * cache.previousCell * f.map { $0 * (1 - $0) },
      dCell * i * g.map { 1 - $0 * $0 },
      dOutputGate * o.map { $0 * (1 - $0) },
    ])
    let gradients = LSTMCell(
      inputWeight: da.matmul(cache.input, transposeSelf: true),
      recurrentWeight: da.matmul(cache.previousHidden, transposeSelf: true),
      bias: da.sumRows())
    let previous = LSTMState(hidden: da.matmul(recurrentWeight), cell: dCell * f)
    return (da.matmul(inputWeight), previous, gradients)
    // END SOLUTION
  }
}
