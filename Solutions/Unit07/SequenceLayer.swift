import RNNCore
import RNNTraining

/// A layer that reads a whole batch of sequences and writes one output vector per token: a
/// recurrent layer in one direction, a bidirectional layer, or a stack of layers.
///
/// Sequences in a batch may have different lengths. Inputs are `T` matrices (`B x inputSize`,
/// one sequence per row); `lengths[b]` says how many of the `T` steps of row `b` are real
/// tokens, the rest is padding at the end. Outputs are `T` matrices `B x outputSize` whose
/// padding rows (`t >= lengths[b]`) are zero: whatever reads them (a tagger, the next layer)
/// sees nothing there, and gradients that arrive for those rows are ignored.
public protocol SequenceLayer: Parameterized, Sendable {
  /// What the forward pass keeps for the backward pass.
  associatedtype Cache: Sendable

  /// The width of each input vector.
  var inputSize: Int { get }
  /// The width of each output vector.
  var outputSize: Int { get }

  /// Runs the layer over a batch (zero initial states).
  ///
  /// - Parameters:
  ///   - inputs: `T` matrices, each `B x inputSize`.
  ///   - lengths: `B` lengths in `0...T`.
  /// - Returns: `T` outputs, each `B x outputSize` (zero rows at padding), and the cache.
  func forward(sequence inputs: [Matrix], lengths: [Int]) -> (outputs: [Matrix], cache: Cache)

  /// Backpropagation through the whole layer.
  ///
  /// - Parameters:
  ///   - cache: what ``forward(sequence:lengths:)`` returned.
  ///   - outputGradients: `T` matrices `B x outputSize`, `∂L/∂output_t` (rows at padding are
  ///     ignored).
  /// - Returns: `∂L/∂input_t` (`T` matrices `B x inputSize`, zero rows at padding) and a layer
  ///   whose blocks hold the gradient of the loss with respect to each parameter block.
  func backward(
    sequence cache: Cache, outputGradients: [Matrix]
  ) -> (inputGradients: [Matrix], gradients: Self)
}

/// Checks that `lengths` describes a batch of `inputs` (one length per row, each in `0...T`).
func checkLengths(_ lengths: [Int], of inputs: [Matrix], _ caller: String) {
  let rows = inputs.first?.rows ?? lengths.count
  shapePrecondition(
    lengths.count == rows && inputs.allSatisfy { $0.rows == rows },
    "\(caller): \(lengths.count) lengths for inputs of shapes "
      + "\(inputs.map(\.shapeDescription)); give one length per row")
  shapePrecondition(
    lengths.allSatisfy { $0 >= 0 && $0 <= inputs.count },
    "\(caller): lengths \(lengths) must each be in 0...\(inputs.count) (the number of steps)")
}

/// `m` with the rows of the sequences that have ended by step `t` (`lengths[b] <= t`) set to
/// zero: what a layer writes at padding.
public func zeroingPadding(_ m: Matrix, step t: Int, lengths: [Int]) -> Matrix {
  shapePrecondition(
    lengths.count == m.rows,
    "zeroingPadding: \(lengths.count) lengths for a matrix of shape \(m.shapeDescription)")
  guard lengths.contains(where: { $0 <= t }) else { return m }
  var out = m
  for (b, length) in lengths.enumerated() where length <= t {
    for j in 0..<m.cols { out[b, j] = 0 }
  }
  return out
}

/// Reverses each sequence of a batch within its own length, leaving the padding in place.
///
/// Row `b` of step `t` of the result is row `b` of step `lengths[b] - 1 - t` of `sequence` when
/// `t < lengths[b]`, and row `b` of step `t` itself (padding) otherwise. For lengths `[3, 2]`
/// and `T = 3`, row 0 reads steps `2, 1, 0` and row 1 reads steps `1, 0, 2`. Applying it twice
/// gives back `sequence`. A backward-direction layer runs over the result, so every sequence
/// starts from its own last real token, never from padding.
///
/// - Parameters:
///   - sequence: `T` matrices, each `B x width`.
///   - lengths: `B` lengths in `0...T`.
/// - Returns: `T` matrices of the same shapes.
public func reversedWithinLengths(_ sequence: [Matrix], lengths: [Int]) -> [Matrix] {
  checkLengths(lengths, of: sequence, "reversedWithinLengths")
  // BEGIN SOLUTION 07.1 reversedWithinLengths | Lectures/07-bidirectional-deep-rnns.md §2
  var out = sequence
  for (b, length) in lengths.enumerated() {
    for t in 0..<length {
      let source = length - 1 - t
      for j in 0..<sequence[t].cols { out[t][b, j] = sequence[source][b, j] }
    }
  }
  return out
  // END SOLUTION
}

/// A recurrent layer that reads each sequence in one direction, left to right, from a zero
/// initial state; its output at step `t` is the cell's hidden vector `h_t` (`B x H`), zero at
/// padding. Steps after a sequence's end run on the padding but never reach a real output.
public struct RecurrentLayer<Cell: BackpropagatingCell>: SequenceLayer {
  /// The cell applied at every step.
  public var cell: Cell

  /// What the forward pass keeps: every step's cache and the lengths.
  public struct Cache: Sendable {
    /// One cache per step.
    public var steps: [Cell.StepCache]
    /// The lengths of the batch's sequences.
    public var lengths: [Int]

    public init(steps: [Cell.StepCache], lengths: [Int]) {
      self.steps = steps
      self.lengths = lengths
    }
  }

  /// A layer around `cell`.
  public init(cell: Cell) { self.cell = cell }

  public var inputSize: Int { cell.inputSize }
  public var outputSize: Int { cell.hiddenSize }

  public mutating func visitParameters(_ body: (String, inout Matrix) throws -> Void) rethrows {
    try cell.visitParameters { name, m in try body("cell." + name, &m) }
  }

  /// Runs the cell left to right over every sequence, from a zero initial state.
  ///
  /// - Parameters:
  ///   - inputs: `T` matrices `x_t`, each `B x inputSize`.
  ///   - lengths: `B` lengths in `0...T`; steps at or after `lengths[b]` are padding.
  /// - Returns: `T` outputs `B x H`: row `b` of output `t` is `h_t` of sequence `b` for
  ///   `t < lengths[b]` and zero at padding; and the cache (one step cache per step, even at
  ///   padding, and the lengths).
  public func forward(
    sequence inputs: [Matrix], lengths: [Int]
  ) -> (
    outputs: [Matrix], cache: Cache
  ) {
    checkLengths(lengths, of: inputs, "RecurrentLayer.forward(sequence:lengths:)")
    // BEGIN SOLUTION 07.2 RecurrentLayer.forward(sequence:lengths:) | Lectures/07-bidirectional-deep-rnns.md §2
    var state = Cell.State.zeros(batchSize: lengths.count, hiddenSize: cell.hiddenSize)
    var outputs: [Matrix] = []
    var steps: [Cell.StepCache] = []
    for (t, input) in inputs.enumerated() {
      let step = cell.forward(input, state: state)
      state = step.state
      outputs.append(zeroingPadding(state.hidden, step: t, lengths: lengths))
      steps.append(step.cache)
    }
    return (outputs, Cache(steps: steps, lengths: lengths))
    // END SOLUTION
  }

  /// Backpropagation through time over a run of ``forward(sequence:lengths:)``.
  ///
  /// - Parameters:
  ///   - cache: the forward run's cache.
  ///   - outputGradients: `T` matrices `B x H`, `∂L/∂output_t`; rows at padding are ignored
  ///     (those outputs are constant zeros).
  /// - Returns: `∂L/∂x_t` (`T` matrices `B x inputSize`; zero rows at padding) and a layer
  ///   whose cell holds `∂L/∂block` for every block, summed over steps and batch.
  public func backward(
    sequence cache: Cache, outputGradients: [Matrix]
  ) -> (inputGradients: [Matrix], gradients: Self) {
    shapePrecondition(
      outputGradients.count == cache.steps.count,
      "RecurrentLayer.backward(sequence:): \(outputGradients.count) output gradients for "
        + "\(cache.steps.count) steps")
    // BEGIN SOLUTION 07.3 RecurrentLayer.backward(sequence:outputGradients:) | Lectures/07-bidirectional-deep-rnns.md §2
    let lengths = cache.lengths
    var gradients = cell.zerosLike()
    var inputGradients = [Matrix](repeating: .zeros(0, 0), count: cache.steps.count)
    var next = Cell.State.zeros(batchSize: lengths.count, hiddenSize: cell.hiddenSize)
    for t in stride(from: cache.steps.count - 1, through: 0, by: -1) {
      let fromOutput = zeroingPadding(outputGradients[t], step: t, lengths: lengths)
      let step = cell.backward(cache.steps[t], stateGradient: next.addingToHidden(fromOutput))
      gradients.accumulate(step.gradients)
      inputGradients[t] = step.inputGradient
      next = step.previousStateGradient
    }
    return (inputGradients, RecurrentLayer(cell: gradients))
    // END SOLUTION
  }
}
