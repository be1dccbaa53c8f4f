import RNNCore
import RNNTraining
import Unit02

extension ElmanCell: BackpropagatingCell {
  /// One Elman step backward.
  ///
  /// With `z_t = x_t W_hxᵀ + h_{t-1} W_hhᵀ + b` and `h_t = f(z_t)`, and `dh = ∂L/∂h_t`
  /// (`B x H`, *everything* that reaches `h_t`: from the output layer at step `t` and from
  /// step `t + 1`):
  ///
  ///     dz        = dh ⊙ f'(z_t)        (f' from the cache: 1 - h² for tanh, h(1 - h) for the
  ///                                      sigmoid, 1[z > 0] for ReLU)
  ///     ∂L/∂W_hh  = dzᵀ h_{t-1}         (H x H)
  ///     ∂L/∂W_hx  = dzᵀ x_t             (H x E)
  ///     ∂L/∂b     = Σ_rows dz           (1 x H)
  ///     ∂L/∂h_{t-1} = dz W_hh           (B x H), flows on to step t - 1
  ///     ∂L/∂x_t   = dz W_hx             (B x E), flows into the embedding rows
  ///
  /// - Parameters:
  ///   - cache: the step's `x_t`, `h_{t-1}`, `z_t` and `h_t`.
  ///   - stateGradient: `∂L/∂h_t`, `B x H`.
  /// - Returns: `∂L/∂x_t`, `∂L/∂h_{t-1}`, and a cell holding this step's parameter gradients
  ///   (with this cell's activation).
  public func backward(
    _ cache: StepCache, stateGradient dh: Matrix
  ) -> (inputGradient: Matrix, previousStateGradient: Matrix, gradients: ElmanCell) {
    shapePrecondition(
      dh.rows == cache.output.rows && dh.cols == hiddenSize,
      "ElmanCell.backward: ∂L/∂h_t is \(dh.shapeDescription), h_t is "
        + "\(cache.output.shapeDescription)")
    // BEGIN SOLUTION 03.1 ElmanCell.backward | Lectures/03-bptt.md §2
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

  /// The Jacobian `∂h_t/∂h_{t-1}` of one step, for a batch of one sequence.
  ///
  /// Entry `[i, j]` is `∂h_t[i] / ∂h_{t-1}[j] = f'(z_t[i]) W_hh[i, j]`, so the Jacobian is
  /// `diag(f'(z_t)) W_hh` (`H x H`): row `i` of `W_hh` scaled by the slope of unit `i`. (The
  /// lectures write the same step for column vectors as `h_t = W f(h_{t-1}) + ...`, whose
  /// Jacobian is `W diag(f'(h_{t-1}))`; the two differ only in where `f` is applied.)
  ///
  /// - Parameter cache: the cache of a forward step with exactly one row (`B = 1`).
  public func stateJacobian(_ cache: StepCache) -> Matrix {
    shapePrecondition(
      cache.output.rows == 1,
      "ElmanCell.stateJacobian: needs a cache of one sequence, got \(cache.output.rows) rows")
    // BEGIN SOLUTION 03.4 ElmanCell.stateJacobian | Lectures/03-bptt.md §6
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
