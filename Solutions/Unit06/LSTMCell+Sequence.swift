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
    // BEGIN SOLUTION 06.4 LSTMCell.forward(sequence:) | Lectures/06-lstm.md §7
    var state = initialState
    var states: [LSTMState] = []
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
  /// Walking from the last step to the first, the gradient reaching the state after step `t`
  /// has two parts: `∂L/∂h_t` is what the outside sends to `h_t` (`hiddenGradients[t]`) plus
  /// what step `t + 1` sends back; `∂L/∂c_t` comes only from step `t + 1`, since nothing
  /// outside the cell reads `c_t`. For the last step, the part from "step `T + 1`" is
  /// `finalStateGradient` (or zero).
  ///
  /// - Parameters:
  ///   - caches: the `T` caches of the forward run.
  ///   - hiddenGradients: `T` matrices `∂L/∂h_t` (`B x H`) from outside the recurrence.
  ///   - finalStateGradient: `(∂L/∂h_T, ∂L/∂c_T)` from whatever reads the final state (`nil`:
  ///     nothing, for example when the state is thrown away).
  /// - Returns: `∂L/∂x_t` for every step (`B x E` each), `(∂L/∂h_0, ∂L/∂c_0)`, and the parameter
  ///   gradients summed over all steps.
  public func backward(
    sequence caches: [StepCache], hiddenGradients: [Matrix],
    finalStateGradient: LSTMState? = nil
  ) -> (inputGradients: [Matrix], initialStateGradient: LSTMState, gradients: LSTMCell) {
    shapePrecondition(
      caches.count == hiddenGradients.count,
      "LSTMCell.backward(sequence:): \(hiddenGradients.count) hidden gradients for "
        + "\(caches.count) steps")
    // BEGIN SOLUTION 06.5 LSTMCell.backward(sequence:) | Lectures/06-lstm.md §7
    let batch = caches.first?.previousHidden.rows ?? finalStateGradient?.hidden.rows ?? 0
    var gradients = zerosLike()
    var inputGradients = [Matrix](repeating: Matrix.zeros(0, 0), count: caches.count)
    var dNext = finalStateGradient ?? .zeros(batchSize: batch, hiddenSize: hiddenSize)
    for t in stride(from: caches.count - 1, through: 0, by: -1) {
      let dState = LSTMState(hidden: dNext.hidden + hiddenGradients[t], cell: dNext.cell)
      let step = backward(caches[t], stateGradient: dState)
      gradients.accumulate(step.gradients)
      inputGradients[t] = step.inputGradient
      dNext = step.previousStateGradient
    }
    return (inputGradients, dNext, gradients)
    // END SOLUTION
  }
}
