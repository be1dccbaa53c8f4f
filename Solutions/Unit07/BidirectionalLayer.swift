import RNNCore
import RNNTraining

/// A bidirectional recurrent layer: one cell reads each sequence left to right, a second cell
/// with its own weights reads it right to left, and the output at step `t` is both hidden
/// vectors side by side:
///
///     h→_t = forwardCell(x_t, h→_{t-1})          t = 1, ..., n    (h→_0 given)
///     h←_t = backwardCell(x_t, h←_{t+1})         t = n, ..., 1    (h←_{n+1} given)
///     output_t = [h→_t ; h←_t]                   (B x (H→ + H←))
///
/// where `n = lengths[b]` is the sequence's own length: the right-to-left reading starts at
/// its last real token, never at padding. Outputs are zero at padding.
///
/// The two cells may be of different types and sizes (any ``BackpropagatingCell``: Elman, GRU,
/// LSTM); both read inputs of the same width. Parameter blocks: the forward cell's blocks
/// prefixed with `forward.`, then the backward cell's prefixed with `backward.`.
public struct BidirectionalLayer<Forward: BackpropagatingCell, Backward: BackpropagatingCell>:
  SequenceLayer
{
  /// The left-to-right cell.
  public var forwardCell: Forward
  /// The right-to-left cell.
  public var backwardCell: Backward

  /// What the forward pass keeps for the backward pass.
  public struct Cache: Sendable {
    /// The left-to-right cell's step caches, `forwardSteps[t]` for step `t`.
    public var forwardSteps: [Forward.StepCache]
    /// The right-to-left cell's step caches in the order that cell ran them:
    /// `backwardSteps[k]` is the cell's `k`-th step, which for row `b` read the token at
    /// position `lengths[b] - 1 - k` (or padding when `k >= lengths[b]`).
    public var backwardSteps: [Backward.StepCache]
    /// The lengths of the batch's sequences.
    public var lengths: [Int]

    public init(
      forwardSteps: [Forward.StepCache], backwardSteps: [Backward.StepCache], lengths: [Int]
    ) {
      self.forwardSteps = forwardSteps
      self.backwardSteps = backwardSteps
      self.lengths = lengths
    }
  }

  /// A layer of two cells that read inputs of the same width.
  public init(forward: Forward, backward: Backward) {
    precondition(
      forward.inputSize == backward.inputSize,
      "BidirectionalLayer: the forward cell reads \(forward.inputSize) inputs and the backward "
        + "cell \(backward.inputSize); both directions read the same x_t")
    self.forwardCell = forward
    self.backwardCell = backward
  }

  public var inputSize: Int { forwardCell.inputSize }
  /// `H→ + H←`.
  public var outputSize: Int { forwardCell.hiddenSize + backwardCell.hiddenSize }

  public mutating func visitParameters(_ body: (String, inout Matrix) throws -> Void) rethrows {
    try forwardCell.visitParameters { name, m in try body("forward." + name, &m) }
    try backwardCell.visitParameters { name, m in try body("backward." + name, &m) }
  }

  public func forward(
    sequence inputs: [Matrix], lengths: [Int]
  ) -> (
    outputs: [Matrix], cache: Cache
  ) {
    forward(inputs, lengths: lengths, initialStates: nil)
  }

  public func backward(
    sequence cache: Cache, outputGradients: [Matrix]
  ) -> (inputGradients: [Matrix], gradients: Self) {
    let result = backward(cache, outputGradients: outputGradients)
    return (result.inputGradients, result.gradients)
  }

  /// Runs both directions over a batch.
  ///
  /// - Parameters:
  ///   - inputs: `T` matrices `x_t`, each `B x inputSize`.
  ///   - lengths: `B` lengths in `0...T`.
  ///   - initialStates: the left-to-right cell's `h→_0` and the right-to-left cell's
  ///     `h←_{n+1}` (the state before it reads a sequence's last token), `B` rows each; `nil`
  ///     for zero states.
  /// - Returns: `T` outputs `B x (H→ + H←)`, `[h→_t ; h←_t]` in each row (zero at padding),
  ///   and the cache.
  public func forward(
    _ inputs: [Matrix], lengths: [Int],
    initialStates: (forward: Forward.State, backward: Backward.State)?
  ) -> (outputs: [Matrix], cache: Cache) {
    checkLengths(lengths, of: inputs, "BidirectionalLayer.forward")
    if let states = initialStates {
      shapePrecondition(
        states.forward.hidden.rows == lengths.count
          && states.forward.hidden.cols == forwardCell.hiddenSize
          && states.backward.hidden.rows == lengths.count
          && states.backward.hidden.cols == backwardCell.hiddenSize,
        "BidirectionalLayer.forward: initial states \(states.forward.hidden.shapeDescription) "
          + "and \(states.backward.hidden.shapeDescription) for \(lengths.count) sequences and "
          + "hidden sizes \(forwardCell.hiddenSize), \(backwardCell.hiddenSize)")
    }
    // BEGIN SOLUTION 07.4 BidirectionalLayer.forward | Lectures/07-bidirectional-deep-rnns.md §3
    let batch = lengths.count
    var forwardState =
      initialStates?.forward ?? .zeros(batchSize: batch, hiddenSize: forwardCell.hiddenSize)
    var forwardHidden: [Matrix] = []
    var forwardSteps: [Forward.StepCache] = []
    for input in inputs {
      let step = forwardCell.forward(input, state: forwardState)
      forwardState = step.state
      forwardHidden.append(step.state.hidden)
      forwardSteps.append(step.cache)
    }
    var backwardState =
      initialStates?.backward ?? .zeros(batchSize: batch, hiddenSize: backwardCell.hiddenSize)
    var backwardHidden: [Matrix] = []
    var backwardSteps: [Backward.StepCache] = []
    for input in reversedWithinLengths(inputs, lengths: lengths) {
      let step = backwardCell.forward(input, state: backwardState)
      backwardState = step.state
      backwardHidden.append(step.state.hidden)
      backwardSteps.append(step.cache)
    }
    let backwardInPlace = reversedWithinLengths(backwardHidden, lengths: lengths)
    let outputs = inputs.indices.map { t in
      zeroingPadding(
        .hstack([forwardHidden[t], backwardInPlace[t]]), step: t, lengths: lengths)
    }
    return (
      outputs, Cache(forwardSteps: forwardSteps, backwardSteps: backwardSteps, lengths: lengths)
    )
    // END SOLUTION
  }

  /// Backpropagation through time in both directions.
  ///
  /// - Parameters:
  ///   - cache: the forward run's cache.
  ///   - outputGradients: `T` matrices `B x (H→ + H←)`, `∂L/∂output_t`; rows at padding are
  ///     ignored (those outputs are constant zeros).
  /// - Returns: `∂L/∂x_t` (`T` matrices `B x inputSize`, the sum of what both directions send
  ///   back; zero rows at padding), the gradients with respect to both initial states, and a
  ///   layer whose cells hold `∂L/∂block` for every block.
  public func backward(
    _ cache: Cache, outputGradients: [Matrix]
  ) -> (
    inputGradients: [Matrix],
    initialStateGradients: (forward: Forward.State, backward: Backward.State),
    gradients: Self
  ) {
    shapePrecondition(
      outputGradients.count == cache.forwardSteps.count
        && outputGradients.allSatisfy { $0.cols == outputSize },
      "BidirectionalLayer.backward: \(outputGradients.count) output gradients of shapes "
        + "\(outputGradients.map(\.shapeDescription)) for \(cache.forwardSteps.count) steps of "
        + "width \(outputSize)")
    // BEGIN SOLUTION 07.5 BidirectionalLayer.backward | Lectures/07-bidirectional-deep-rnns.md §3
    let lengths = cache.lengths
    let batch = lengths.count
    let split = forwardCell.hiddenSize
    let masked = outputGradients.indices.map { t in
      zeroingPadding(outputGradients[t], step: t, lengths: lengths)
    }
    var forwardGradients = forwardCell.zerosLike()
    var inputGradients = [Matrix](repeating: .zeros(0, 0), count: masked.count)
    var nextForward = Forward.State.zeros(batchSize: batch, hiddenSize: split)
    for t in stride(from: masked.count - 1, through: 0, by: -1) {
      let dh = masked[t].columns(0..<split)
      let step = forwardCell.backward(
        cache.forwardSteps[t], stateGradient: nextForward.addingToHidden(dh))
      forwardGradients.accumulate(step.gradients)
      inputGradients[t] = step.inputGradient
      nextForward = step.previousStateGradient
    }
    let backwardOutputGradients = reversedWithinLengths(
      masked.map { $0.columns(split..<outputSize) }, lengths: lengths)
    var backwardGradients = backwardCell.zerosLike()
    var reversedInputGradients = [Matrix](repeating: .zeros(0, 0), count: masked.count)
    var nextBackward = Backward.State.zeros(batchSize: batch, hiddenSize: backwardCell.hiddenSize)
    for k in stride(from: masked.count - 1, through: 0, by: -1) {
      let step = backwardCell.backward(
        cache.backwardSteps[k],
        stateGradient: nextBackward.addingToHidden(backwardOutputGradients[k]))
      backwardGradients.accumulate(step.gradients)
      reversedInputGradients[k] = step.inputGradient
      nextBackward = step.previousStateGradient
    }
    let fromBackward = reversedWithinLengths(reversedInputGradients, lengths: lengths)
    for t in inputGradients.indices { inputGradients[t] += fromBackward[t] }
    var gradients = self
    gradients.forwardCell = forwardGradients
    gradients.backwardCell = backwardGradients
    return (inputGradients, (nextForward, nextBackward), gradients)
    // END SOLUTION
  }
}
