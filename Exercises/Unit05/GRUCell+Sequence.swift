import RNNCore
import RNNTraining

extension GRUCell {
  /// Runs the cell over a whole sequence batch, one step per input.
  ///
  /// `states[t]` is `h_{t+1}` in the lecture's 1-based time (the state after reading
  /// `inputs[t]`), and `caches[t]` is what that step's backward pass needs.
  ///
  /// - Parameters:
  ///   - inputs: `T` matrices `x_1 ... x_T`, each `B x E` (one sequence per row).
  ///   - initialState: `h_0`, `B x H`.
  /// - Returns: `T` states (`B x H` each) and `T` step caches.
  public func forward(
    sequence inputs: [Matrix], initialState: Matrix
  ) -> (states: [Matrix], caches: [StepCache]) {
    shapePrecondition(
      initialState.cols == hiddenSize && inputs.allSatisfy { $0.rows == initialState.rows },
      "GRUCell.forward(sequence:): h_0 is \(initialState.shapeDescription); every x_t must "
        + "have \(initialState.rows) rows, got \(inputs.map(\.shapeDescription))")
    // Exercise 05.3: GRUCell.forward(sequence:).
    // Read Lectures/05-gru.md §6, then replace this stub with your code.
    notImplemented("05.3", "GRUCell.forward(sequence:)", lecture: "Lectures/05-gru.md §6")
  }

  /// Backpropagation through time over a sequence run by ``forward(sequence:initialState:)``.
  ///
  /// Walking from the last step to the first, the gradient reaching `h_t` is what the outside
  /// sends to it directly (`hiddenGradients[t]`, for example from an output layer) plus what
  /// flows back from step `t + 1` (for the last step: `finalStateGradient`, or zero).
  ///
  /// - Parameters:
  ///   - caches: the `T` caches of the forward run.
  ///   - hiddenGradients: `T` matrices `∂L/∂h_t` (`B x H`) from outside the recurrence.
  ///   - finalStateGradient: `∂L/∂h_T` from whatever reads the final state (`nil`: nothing).
  /// - Returns: `∂L/∂x_t` for every step (`B x E` each), `∂L/∂h_0` (`B x H`), and the
  ///   parameter gradients summed over all steps.
  public func backward(
    sequence caches: [StepCache], hiddenGradients: [Matrix], finalStateGradient: Matrix? = nil
  ) -> (inputGradients: [Matrix], initialStateGradient: Matrix, gradients: GRUCell) {
    shapePrecondition(
      caches.count == hiddenGradients.count,
      "GRUCell.backward(sequence:): \(hiddenGradients.count) hidden gradients for "
        + "\(caches.count) steps")
    // Exercise 05.4: GRUCell.backward(sequence:).
    // Read Lectures/05-gru.md §6, then replace this stub with your code.
    notImplemented("05.4", "GRUCell.backward(sequence:)", lecture: "Lectures/05-gru.md §6")
  }
}
