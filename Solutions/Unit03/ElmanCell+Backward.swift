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
    // BEGIN SOLUTION 03.1 ElmanCell.backward | Lectures/03-bptt.md §2
    // dz = dh ⊙ f'(z_t), with f' from the cache (1 - h² for tanh, h(1 - h) for the sigmoid,
    // 1[z > 0] for ReLU); ∂L/∂W_hh = dzᵀ h_{t-1}, ∂L/∂W_hx = dzᵀ x_t, ∂L/∂b = the column sums
    // of dz; ∂L/∂h_{t-1} = dz W_hh and ∂L/∂x_t = dz W_hx.
    let dz: Matrix
    switch activation {
    case .tanh: dz = dh * cache.output.map { 1 - $0 * $0 }
    case .sigmoid: dz = dh * cache.output.map { $0 * (1 - $0) }
    case .relu: dz = dh * cache.preActivation.map { $0 > 0 ? 1 : 0 }
    }
    let gradients = ElmanCell(
      recurrentWeight: dz.matmul(cache.previous, transposeSelf: true),
      inputWeight: dz.matmul(cache.input, transposeSelf: true),
      bias: dz.sumRows(), activation: activation)
    return (dz.matmul(inputWeight), dz.matmul(recurrentWeight), gradients)
    // END SOLUTION
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
    // BEGIN SOLUTION 03.4 ElmanCell.stateJacobian | Lectures/03-bptt.md §6
    // Φ_t = diag(f'(z_t)) W_hh: row i of W_hh scaled by the slope of unit i. (The slides' column
    // form h_t = W f(h_{t-1}) + ... has W diag(f'(h_{t-1})) instead: f sits elsewhere.)
    let slope: [Double]
    switch activation {
    case .tanh: slope = cache.output.storage.map { 1 - $0 * $0 }
    case .sigmoid: slope = cache.output.storage.map { $0 * (1 - $0) }
    case .relu: slope = cache.preActivation.storage.map { $0 > 0 ? 1 : 0 }
    }
    return Matrix(rows: hiddenSize, cols: hiddenSize) { i, j in slope[i] * recurrentWeight[i, j] }
    // END SOLUTION
  }
}
