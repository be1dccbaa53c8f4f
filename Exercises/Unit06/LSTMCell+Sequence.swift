import RNNCore
import RNNTraining

extension LSTMCell {
  /// Runs the cell over a whole sequence batch, one step per input, carrying `(h, c)`.
  ///
  /// - Parameters:
  ///   - inputs: `T` matrices `x_1 ... x_T`, each `B x E` (one sequence per row).
  ///   - initialState: `(h_0, c_0)`, each `B x H`.
  /// - Returns: the `T` states after each step and the `T` step caches.
  public func forward(
    sequence inputs: [Matrix], initialState: LSTMState
  ) -> (states: [LSTMState], caches: [StepCache]) {
    shapePrecondition(
      initialState.hidden.cols == hiddenSize
        && inputs.allSatisfy { $0.rows == initialState.hidden.rows },
      "LSTMCell.forward(sequence:): h_0 is \(initialState.hidden.shapeDescription); every x_t "
        + "must have \(initialState.hidden.rows) rows, got \(inputs.map(\.shapeDescription))")
    // Exercise 06.4: LSTMCell.forward(sequence:).
    // Read Lectures/06-lstm.md §7, then replace this stub with your code.
    notImplemented("06.4", "LSTMCell.forward(sequence:)", lecture: "Lectures/06-lstm.md §7")
  }

  /// Backpropagation through time over a sequence run by ``forward(sequence:initialState:)``.
  ///
  /// The method is in Lectures/06-lstm.md §7.
  ///
  /// - Parameters:
  ///   - caches: the `T` caches of the forward run.
  ///   - hiddenGradients: `T` matrices (`B x H`): entry `t` is the gradient of the loss with
  ///     respect to `h` after step `t` along the paths *outside* the recurrence only (for
  ///     example from an output layer). Nothing outside the cell reads the memory `c`, so
  ///     there are no outside gradients for it.
  ///   - finalStateGradient: the gradients with respect to the last `(h, c)` from whatever
  ///     reads the final state after the sequence (`nil`: nothing, for example when the state
  ///     is thrown away).
  /// - Returns: the gradient with respect to every input (`T` matrices `B x E`), with respect
  ///   to `(h_0, c_0)` as an ``LSTMState``, and a cell holding the gradient of the whole
  ///   sequence's loss with respect to each parameter block. With `T = 0` the inputs' list is
  ///   empty, the parameter gradients are zero and the initial-state gradient is
  ///   `finalStateGradient` (or zero).
  public func backward(
    sequence caches: [StepCache], hiddenGradients: [Matrix],
    finalStateGradient: LSTMState? = nil
  ) -> (inputGradients: [Matrix], initialStateGradient: LSTMState, gradients: LSTMCell) {
    shapePrecondition(
      caches.count == hiddenGradients.count,
      "LSTMCell.backward(sequence:): \(hiddenGradients.count) hidden gradients for "
        + "\(caches.count) steps")
    // Exercise 06.5: LSTMCell.backward(sequence:).
    // Read Lectures/06-lstm.md §7, then replace this stub with your code.
    notImplemented("06.5", "LSTMCell.backward(sequence:)", lecture: "Lectures/06-lstm.md §7")
  }
}
