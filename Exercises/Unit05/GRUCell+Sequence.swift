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
  /// The method is in Lectures/05-gru.md §6 (and Lectures/03-bptt.md §3 for the Elman
  /// network).
  ///
  /// - Parameters:
  ///   - caches: the `T` caches of the forward run.
  ///   - hiddenGradients: `T` matrices (`B x H`): entry `t` is the gradient of the loss with
  ///     respect to the state after step `t` along the paths *outside* the recurrence only
  ///     (for example from an output layer; zero where nothing outside reads the state).
  ///   - finalStateGradient: the gradient with respect to the last state from whatever reads
  ///     it after the sequence (`nil`: nothing does).
  /// - Returns: the gradient with respect to every input (`T` matrices `B x E`), with respect
  ///   to `h_0` (`B x H`), and a cell holding the gradient of the whole sequence's loss with
  ///   respect to each parameter block. With `T = 0` the inputs' list is empty, the parameter
  ///   gradients are zero and the `h_0` gradient is `finalStateGradient` (or zero).
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
