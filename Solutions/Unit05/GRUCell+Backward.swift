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
    // BEGIN SOLUTION 05.2 GRUCell.backward | Lectures/05-gru.md §5
    // dz = dh ⊙ (h_{t-1} - h̃), dh̃ = dh ⊙ (1 - z); da_z = dz ⊙ z(1 - z), da_h = dh̃ ⊙ (1 - h̃²);
    // d(r ⊙ h_{t-1}) = da_h U_h; da_r = d(r ⊙ h_{t-1}) ⊙ h_{t-1} ⊙ r(1 - r).
    // ∂L/∂W = [da_z | da_r | da_h]ᵀ x_t; ∂L/∂U = [[da_z | da_r]ᵀ h_{t-1}; da_hᵀ (r ⊙ h_{t-1})];
    // ∂L/∂b = the column sums of [da_z | da_r | da_h]; ∂L/∂x_t = [da_z | da_r | da_h] W;
    // ∂L/∂h_{t-1} = dh ⊙ z + d(r ⊙ h_{t-1}) ⊙ r + [da_z | da_r] [U_z; U_r] (four paths).
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
