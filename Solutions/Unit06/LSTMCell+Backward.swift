import RNNCore
import RNNTraining

extension LSTMCell: BackpropagatingCell {
  /// One LSTM step backward.
  ///
  /// The state gradient has two parts: `dh = ∂L/∂h_t` and `dc' = ∂L/∂c_t` arriving from step
  /// `t + 1` through `c_{t+1} = f_{t+1} ⊙ c_t + …`. Since `h_t = o ⊙ tanh(c_t)` also depends on
  /// `c_t`, the total gradient of the memory is
  ///
  ///     dc   = dc' + dh ⊙ o ⊙ (1 - tanh²(c_t))
  ///
  /// and then, through `c_t = f ⊙ c_{t-1} + i ⊙ g` (all `B x H`):
  ///
  ///     do = dh ⊙ tanh(c_t)      di = dc ⊙ g      df = dc ⊙ c_{t-1}      dg = dc ⊙ i
  ///     da = [di ⊙ i(1-i) | df ⊙ f(1-f) | dg ⊙ (1-g²) | do ⊙ o(1-o)]   (B x 4H, order i f g o)
  ///     ∂L/∂W = daᵀ x_t (4H x E)    ∂L/∂U = daᵀ h_{t-1} (4H x H)    ∂L/∂b = Σ_rows da (1 x 4H)
  ///     ∂L/∂x_t = da W (B x E)      ∂L/∂h_{t-1} = da U (B x H)      ∂L/∂c_{t-1} = dc ⊙ f
  ///
  /// The last term is the additive memory path: from `c_t` to `c_{t-1}` the gradient is only
  /// multiplied by the forget gate, with no weight matrix and no squashing derivative.
  ///
  /// - Parameters:
  ///   - cache: what ``forward(_:state:)`` kept for this step.
  ///   - stateGradient: `(∂L/∂h_t, ∂L/∂c_t)`; the `c` part is what step `t + 1` sent back.
  /// - Returns: `∂L/∂x_t`, `(∂L/∂h_{t-1}, ∂L/∂c_{t-1})`, and a cell holding this step's parameter
  ///   gradients in the fused layout (gate order i, f, g, o).
  public func backward(
    _ cache: StepCache, stateGradient: LSTMState
  ) -> (inputGradient: Matrix, previousStateGradient: LSTMState, gradients: LSTMCell) {
    shapePrecondition(
      stateGradient.hidden.rows == cache.output.rows && stateGradient.hidden.cols == hiddenSize,
      "LSTMCell.backward: ∂L/∂h_t is \(stateGradient.hidden.shapeDescription), h_t is "
        + "\(cache.output.shapeDescription)")
    // BEGIN SOLUTION 06.3 LSTMCell.backward | Lectures/06-lstm.md §6
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
