import RNNCore
import RNNTraining
import Unit02

extension RNNLanguageModel where Cell: BackpropagatingCell {
  /// Backpropagation through time over a whole sequence batch.
  ///
  /// The method (the unrolled graph, the order of the walk, what each step needs) is in
  /// Lectures/03-bptt.md §3. The cell's own step backward (``BackpropagatingCell``) does the
  /// work inside each step.
  ///
  /// - Parameters:
  ///   - forward: what ``forward(_:initialState:)`` returned.
  ///   - logitGradients: `T` matrices `B x V`; entry `t` is the gradient of the loss with
  ///     respect to the logits `s_t` of step `t` (for the mean cross-entropy, see
  ///     ``SequenceLoss/logitGradients(logits:targets:)``).
  ///   - finalStateGradient: the gradient with respect to the final state `h_T` from whatever
  ///     used that state after the chunk (`nil`: nothing did, the gradient is zero).
  /// - Returns: a model of the same shape whose blocks hold the gradient of the loss with
  ///   respect to each parameter block (`embedding`, the cell's blocks, `W_s`, `b_s`), and the
  ///   gradient with respect to the initial state `h_0`. With `T = 0` every block is zero and
  ///   the initial-state gradient is `finalStateGradient` (or zero).
  public func backward(
    _ forward: SequenceForward<Cell>, logitGradients: [Matrix],
    finalStateGradient: Cell.State? = nil
  ) -> (gradients: RNNLanguageModel, initialStateGradient: Cell.State) {
    shapePrecondition(
      logitGradients.count == forward.steps && forward.caches.count == forward.steps
        && forward.states.count == forward.steps,
      "RNNLanguageModel.backward: \(logitGradients.count) logit gradients for a forward pass "
        + "of \(forward.steps) steps")
    // BEGIN SOLUTION 03.2 RNNLanguageModel.backward | Lectures/03-bptt.md §3
    // Walk t = T-1 ... 0 with dnext = ∂L/∂h_t from the future (finalStateGradient or zero):
    // ∂L/∂W_s += ds_tᵀ h_t, ∂L/∂b_s += the column sums of ds_t; dh_t = dnext + ds_t W_s (both
    // paths into h_t); the cell's step backward gives ∂L/∂x_t, ∂L/∂h_{t-1} and its gradients,
    // accumulated over steps (tied weights); row b of ∂L/∂x_t is added to embedding row
    // inputs[b][t]; dnext = ∂L/∂h_{t-1}. After step 0, dnext is ∂L/∂h_0.
    let batch = forward.batchSize
    var gradients = zerosLike()
    var dNext = finalStateGradient ?? Cell.State.zeros(batchSize: batch, hiddenSize: hiddenSize)
    for t in stride(from: forward.steps - 1, through: 0, by: -1) {
      let dLogits = logitGradients[t]
      gradients.outputWeight += dLogits.matmul(forward.states[t].hidden, transposeSelf: true)
      gradients.outputBias += dLogits.sumRows()
      let dState = dNext.addingToHidden(dLogits.matmul(outputWeight))
      let step = cell.backward(forward.caches[t], stateGradient: dState)
      gradients.cell.accumulate(step.gradients)
      gradients.embedding.scatterAddRows(step.inputGradient, at: forward.tokens(at: t))
      dNext = step.previousStateGradient
    }
    return (gradients, dNext)
    // END SOLUTION
  }

  /// Truncated backpropagation through time with a window of `k` steps.
  ///
  /// The loss of step `t` is backpropagated through steps `t, t - 1, ..., t - k + 1` only (`k`
  /// cell steps, fewer near the start); the state `h_{t-k}` that feeds the oldest of them is
  /// treated as a constant (Lectures/03-bptt.md §4 says which terms of the full sum this
  /// keeps). The output layer's gradient is unchanged (it does not go through time). The
  /// initial state `h_0` receives gradient only from the steps whose window reaches back to
  /// step 0 (`t < k`). With `k ≥ T` the result equals
  /// ``backward(_:logitGradients:finalStateGradient:)``; with `k = 1` no gradient crosses a
  /// time step.
  ///
  /// Cost: about `T k` cell backward steps.
  ///
  /// - Parameters:
  ///   - forward: what ``forward(_:initialState:)`` returned.
  ///   - logitGradients: `T` matrices `B x V`, the gradients with respect to the logits.
  ///   - window: `k ≥ 1`.
  /// - Returns: the truncated gradients and the (truncated) gradient of `h_0`.
  public func truncatedBackward(
    _ forward: SequenceForward<Cell>, logitGradients: [Matrix], window: Int
  ) -> (gradients: RNNLanguageModel, initialStateGradient: Cell.State) {
    shapePrecondition(window >= 1, "RNNLanguageModel.truncatedBackward: window \(window) < 1")
    shapePrecondition(
      logitGradients.count == forward.steps && forward.caches.count == forward.steps
        && forward.states.count == forward.steps,
      "RNNLanguageModel.truncatedBackward: \(logitGradients.count) logit gradients for a "
        + "forward pass of \(forward.steps) steps")
    // BEGIN SOLUTION 03.3 RNNLanguageModel.truncatedBackward | Lectures/03-bptt.md §4
    // Of ∂L_t/∂W = Σ_{j ≤ t} ∂L_t/∂h_t · ∂h_t/∂h_j · ∂⁺h_j/∂W keep t - k < j ≤ t: walk each
    // step's loss back separately through at most k cell steps.
    let batch = forward.batchSize
    var gradients = zerosLike()
    var initialGradient = Cell.State.zeros(batchSize: batch, hiddenSize: hiddenSize)
    for t in 0..<forward.steps {
      let dLogits = logitGradients[t]
      gradients.outputWeight += dLogits.matmul(forward.states[t].hidden, transposeSelf: true)
      gradients.outputBias += dLogits.sumRows()
      var dState = Cell.State.zeros(batchSize: batch, hiddenSize: hiddenSize)
        .addingToHidden(dLogits.matmul(outputWeight))
      let oldest = max(0, t - window + 1)
      for j in stride(from: t, through: oldest, by: -1) {
        let step = cell.backward(forward.caches[j], stateGradient: dState)
        gradients.cell.accumulate(step.gradients)
        gradients.embedding.scatterAddRows(step.inputGradient, at: forward.tokens(at: j))
        dState = step.previousStateGradient
      }
      if oldest == 0 { initialGradient = initialGradient + dState }
    }
    return (gradients, initialGradient)
    // END SOLUTION
  }
}
