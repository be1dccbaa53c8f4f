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
    // Exercise 03.2: RNNLanguageModel.backward.
    // Read Lectures/03-bptt.md §3, then replace this stub with your code.
    notImplemented("03.2", "RNNLanguageModel.backward", lecture: "Lectures/03-bptt.md §3")
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
    // Exercise 03.3: RNNLanguageModel.truncatedBackward.
    // Read Lectures/03-bptt.md §4, then replace this stub with your code.
    notImplemented("03.3", "RNNLanguageModel.truncatedBackward", lecture: "Lectures/03-bptt.md §4")
  }
}
