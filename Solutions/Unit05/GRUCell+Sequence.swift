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
    // BEGIN SOLUTION 05.3 GRUCell.forward(sequence:) | Lectures/05-gru.md §6
    var state = initialState
    var states: [Matrix] = []
    var caches: [StepCache] = []
    for input in inputs {
      let step = forward(input, state: state)
      state = step.state
      states.append(state)
      caches.append(step.cache)
    }
    return (states, caches)
    // END SOLUTION
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
    // BEGIN SOLUTION 05.4 GRUCell.backward(sequence:) | Lectures/05-gru.md §6
    // From t = T-1 down: the gradient reaching h_t is hiddenGradients[t] plus what step t + 1
    // sent back (finalStateGradient for the last step); parameter gradients add up over steps.
    let batch = caches.first?.previous.rows ?? finalStateGradient?.rows ?? 0
    var gradients = zerosLike()
    var inputGradients = [Matrix](repeating: Matrix.zeros(0, 0), count: caches.count)
    var dNext = finalStateGradient ?? .zeros(batch, hiddenSize)
    for t in stride(from: caches.count - 1, through: 0, by: -1) {
      let step = backward(caches[t], stateGradient: dNext + hiddenGradients[t])
      gradients.accumulate(step.gradients)
      inputGradients[t] = step.inputGradient
      dNext = step.previousStateGradient
    }
    return (inputGradients, dNext, gradients)
    // END SOLUTION
  }
}
