import RNNCore
import RNNTraining

extension GRUCell: BackpropagatingCell {
  /// One GRU step backward.
  ///
  /// With `dh = ∂L/∂h_t` (`B x H`, everything that reaches `h_t`) and the cached `h_{t-1}`,
  /// `z`, `r`, `h̃`, the chain rule through `h_t = z ⊙ h_{t-1} + (1 - z) ⊙ h̃` and back through
  /// each gate gives (all `B x H` unless stated):
  ///
  ///     dz   = dh ⊙ (h_{t-1} - h̃)          dh̃ = dh ⊙ (1 - z)
  ///     da_z = dz ⊙ z ⊙ (1 - z)            da_h = dh̃ ⊙ (1 - h̃²)
  ///     d(r ⊙ h_{t-1}) = da_h U_h
  ///     dr   = d(r ⊙ h_{t-1}) ⊙ h_{t-1}    da_r = dr ⊙ r ⊙ (1 - r)
  ///     ∂L/∂W = [da_z | da_r | da_h]ᵀ x_t                              (3H x E)
  ///     ∂L/∂U = [[da_z | da_r]ᵀ h_{t-1} ; da_hᵀ (r ⊙ h_{t-1})]          (3H x H)
  ///     ∂L/∂b = Σ_rows [da_z | da_r | da_h]                            (1 x 3H)
  ///     ∂L/∂x_t = [da_z | da_r | da_h] W                               (B x E)
  ///     ∂L/∂h_{t-1} = dh ⊙ z + d(r ⊙ h_{t-1}) ⊙ r + [da_z | da_r] [U_z; U_r]
  ///
  /// The last line collects the four paths from `h_{t-1}` to the loss: straight through the
  /// update (`z ⊙ h_{t-1}`), through the reset candidate, and through the two gates.
  ///
  /// - Parameters:
  ///   - cache: what ``forward(_:state:)`` kept for this step.
  ///   - stateGradient: `∂L/∂h_t`, `B x H`.
  /// - Returns: `∂L/∂x_t`, `∂L/∂h_{t-1}`, and a cell holding this step's parameter gradients in
  ///   the fused layout (gate order z, r, h̃).
  public func backward(
    _ cache: StepCache, stateGradient dh: Matrix
  ) -> (inputGradient: Matrix, previousStateGradient: Matrix, gradients: GRUCell) {
    shapePrecondition(
      dh.rows == cache.output.rows && dh.cols == hiddenSize,
      "GRUCell.backward: ∂L/∂h_t is \(dh.shapeDescription), h_t is "
        + "\(cache.output.shapeDescription)")
    // BEGIN SOLUTION 05.2 GRUCell.backward | Lectures/05-gru.md §5
    let h = hiddenSize
    let (previous, z, r, candidate) = (cache.previous, cache.update, cache.reset, cache.candidate)
    let dUpdate = dh * (previous - candidate)
    let dCandidate = dh * z.map { 1 - $0 }
    let direct = dh * z
    let daUpdate = dUpdate * z.map { $0 * (1 - $0) }
    let daCandidate = dCandidate * candidate.map { 1 - $0 * $0 }
    let candidateWeight = recurrentWeight.rows((2 * h)..<(3 * h))
    let dResetState = daCandidate.matmul(candidateWeight)
    let daReset = dResetState * previous * r.map { $0 * (1 - $0) }
    let daGates = Matrix.hstack([daUpdate, daReset])
    let da = Matrix.hstack([daGates, daCandidate])
    let gradients = GRUCell(
      inputWeight: da.matmul(cache.input, transposeSelf: true),
      recurrentWeight: .vstack([
        daGates.matmul(previous, transposeSelf: true),
        daCandidate.matmul(r * previous, transposeSelf: true),
      ]),
      bias: da.sumRows())
    let dPrevious =
      direct + dResetState * r
      + daGates.matmul(recurrentWeight.rows(0..<(2 * h)))
    return (da.matmul(inputWeight), dPrevious, gradients)
    // END SOLUTION
  }
}
