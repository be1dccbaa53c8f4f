import RNNCore
import RNNTraining

/// What the encoder hands to the decoder for a batch of source sentences.
///
/// `outputs[i]` (`B x D`) holds every sentence's encoder vector at source position `i`, zero
/// rows past a sentence's end; `summary` (`B x D`) holds one vector per sentence that stands for
/// the whole sentence. `D` is the encoder's ``Seq2SeqEncoder/outputSize``.
public struct EncoderMemory: Sendable {
  /// `T_s` matrices `B x D`: one encoder vector per source position (zero at padding).
  public var outputs: [Matrix]
  /// `B x D`: one vector per sentence.
  public var summary: Matrix
  /// `B` source lengths: positions `i < lengths[b]` of row `b` are real.
  public var lengths: [Int]

  public init(outputs: [Matrix], summary: Matrix, lengths: [Int]) {
    self.outputs = outputs
    self.summary = summary
    self.lengths = lengths
  }

  /// The number of sentences `B`.
  public var batchSize: Int { lengths.count }
  /// The width `D` of every vector.
  public var width: Int { summary.cols }
}

/// `∂L/∂` every part of an ``EncoderMemory``, with the same shapes. The decoder adds into it
/// at every step; the encoder's backward pass reads it once.
public struct EncoderMemoryGradient: Sendable {
  /// `T_s` matrices `B x D`.
  public var outputs: [Matrix]
  /// `B x D`.
  public var summary: Matrix

  public init(outputs: [Matrix], summary: Matrix) {
    self.outputs = outputs
    self.summary = summary
  }

  /// All zeros, shaped like `memory`.
  public static func zeros(like memory: EncoderMemory) -> EncoderMemoryGradient {
    EncoderMemoryGradient(
      outputs: memory.outputs.map { Matrix.zeros(like: $0) },
      summary: .zeros(like: memory.summary))
  }
}

/// The encoder of a sequence-to-sequence model: a source embedding and a recurrent cell that
/// reads each source sentence left to right, and optionally a second cell with its own weights
/// that reads it right to left (a bidirectional encoder).
///
/// With one direction (`D = H`), the output at position `i` is the forward cell's hidden vector
/// `h→_i` after reading `x_1 ... x_i`, and the summary is `h→_m`, the hidden vector after the
/// sentence's last real token (position `m - 1`, counting from 0). With two directions
/// (`D = 2H`) the output at position `i` is `[h→_i ; h←_i]`, where `h←_i` is the backward
/// cell's hidden vector after reading `x_m ... x_i`, and the summary is `[h→_m ; h←_1]`: each
/// direction's hidden vector after reading the whole sentence. Both cells start from zero
/// states. The backward cell reads every sentence reversed within its own length, so it starts
/// at that sentence's last real token, never at padding.
///
/// Parameter blocks: `embedding` (`V_s x E_s`), then the cells' blocks prefixed with
/// `forward.` and `backward.`.
public struct Seq2SeqEncoder<Cell: BackpropagatingCell>: Parameterized, Sendable {
  /// `V_s x E_s`: row `v` is the vector of source token `v`.
  public var embedding: Matrix
  /// Reads each sentence left to right (input `E_s`, hidden `H`).
  public var forwardCell: Cell
  /// Reads each sentence right to left, when the encoder is bidirectional (same sizes).
  public var backwardCell: Cell?

  /// What ``forward(source:lengths:)`` keeps for ``backward(_:gradient:)``.
  public struct Cache: Sendable {
    /// `T_s` steps of `B` ids, as the forward cell read them.
    public var source: [[Int]]
    /// `T_s` steps of `B` ids, as the backward cell read them (each sentence reversed within
    /// its length, padding after it); empty with one direction.
    public var reversedSource: [[Int]]
    /// `B` source lengths.
    public var lengths: [Int]
    /// The forward cell's step caches, one per step (padding steps included).
    public var forwardSteps: [Cell.StepCache]
    /// The backward cell's step caches, one per step of `reversedSource`.
    public var backwardSteps: [Cell.StepCache]

    public init(
      source: [[Int]], reversedSource: [[Int]], lengths: [Int],
      forwardSteps: [Cell.StepCache], backwardSteps: [Cell.StepCache]
    ) {
      self.source = source
      self.reversedSource = reversedSource
      self.lengths = lengths
      self.forwardSteps = forwardSteps
      self.backwardSteps = backwardSteps
    }
  }

  /// An encoder from its parts; the cells must have the same sizes and read `E_s` inputs.
  public init(embedding: Matrix, forwardCell: Cell, backwardCell: Cell?) {
    precondition(
      forwardCell.inputSize == embedding.cols,
      "Seq2SeqEncoder: the forward cell reads \(forwardCell.inputSize) inputs, the embedding "
        + "is \(embedding.shapeDescription)")
    if let backwardCell {
      precondition(
        backwardCell.inputSize == forwardCell.inputSize
          && backwardCell.hiddenSize == forwardCell.hiddenSize,
        "Seq2SeqEncoder: the backward cell (\(backwardCell.inputSize) -> "
          + "\(backwardCell.hiddenSize)) must match the forward cell "
          + "(\(forwardCell.inputSize) -> \(forwardCell.hiddenSize))")
    }
    self.embedding = embedding
    self.forwardCell = forwardCell
    self.backwardCell = backwardCell
  }

  /// Whether a second cell reads the sentences right to left.
  public var isBidirectional: Bool { backwardCell != nil }
  /// `H`, the hidden size of each direction.
  public var hiddenSize: Int { forwardCell.hiddenSize }
  /// `D`: `H` with one direction, `2H` with two.
  public var outputSize: Int { isBidirectional ? 2 * hiddenSize : hiddenSize }

  public mutating func visitParameters(_ body: (String, inout Matrix) throws -> Void) rethrows {
    try body("embedding", &embedding)
    try forwardCell.visitParameters { name, m in try body("forward." + name, &m) }
    if backwardCell != nil {
      try backwardCell?.visitParameters { name, m in try body("backward." + name, &m) }
    }
  }

  /// Encodes a padded batch of source sentences.
  ///
  /// - Parameters:
  ///   - source: `T_s` steps of `B` token ids (``Seq2SeqBatch/source``); ids past a sentence's
  ///     end are padding and never change a real output or the summary.
  ///   - lengths: `B` lengths `m_b` in `0...T_s`.
  /// - Returns: the memory (outputs `T_s x (B x D)`, zero rows at padding; the summary
  ///   `B x D`, a zero row for an empty sentence; the lengths) and the cache.
  public func forward(source: [[Int]], lengths: [Int]) -> (memory: EncoderMemory, cache: Cache) {
    shapePrecondition(
      source.allSatisfy { $0.count == lengths.count }
        && lengths.allSatisfy { $0 >= 0 && $0 <= source.count },
      "Seq2SeqEncoder.forward: \(source.count) steps of \(source.map(\.count)) ids for "
        + "lengths \(lengths); give one id per sentence at every step and lengths in "
        + "0...\(source.count)")
    // BEGIN SOLUTION 08.2 Seq2SeqEncoder.forward(source:lengths:) | Lectures/08-seq2seq.md §3
    let batch = lengths.count
    let h = hiddenSize
    func run(_ cell: Cell, _ ids: [[Int]]) -> (hidden: [Matrix], steps: [Cell.StepCache]) {
      var state = Cell.State.zeros(batchSize: batch, hiddenSize: h)
      var hidden: [Matrix] = []
      var steps: [Cell.StepCache] = []
      for stepIDs in ids {
        let step = cell.forward(embedding.gatherRows(stepIDs), state: state)
        state = step.state
        hidden.append(state.hidden)
        steps.append(step.cache)
      }
      return (hidden, steps)
    }
    let forwardRun = run(forwardCell, source)
    var reversed: [[Int]] = []
    var backwardRun: (hidden: [Matrix], steps: [Cell.StepCache]) = ([], [])
    if let backwardCell {
      reversed = source
      for (b, m) in lengths.enumerated() {
        for t in 0..<m { reversed[t][b] = source[m - 1 - t][b] }
      }
      backwardRun = run(backwardCell, reversed)
    }
    let width = outputSize
    var outputs = source.map { _ in Matrix.zeros(batch, width) }
    var summary = Matrix.zeros(batch, width)
    for (b, m) in lengths.enumerated() {
      for i in 0..<m {
        for j in 0..<h {
          outputs[i][b, j] = forwardRun.hidden[i][b, j]
          if isBidirectional { outputs[i][b, h + j] = backwardRun.hidden[m - 1 - i][b, j] }
        }
      }
      if m > 0 {
        for j in 0..<h {
          summary[b, j] = forwardRun.hidden[m - 1][b, j]
          if isBidirectional { summary[b, h + j] = backwardRun.hidden[m - 1][b, j] }
        }
      }
    }
    return (
      EncoderMemory(outputs: outputs, summary: summary, lengths: lengths),
      Cache(
        source: source, reversedSource: reversed, lengths: lengths,
        forwardSteps: forwardRun.steps, backwardSteps: backwardRun.steps)
    )
    // END SOLUTION
  }

  /// Backpropagation through the encoder.
  ///
  /// - Parameters:
  ///   - cache: what ``forward(source:lengths:)`` returned.
  ///   - gradient: `∂L/∂outputs` (`T_s x (B x D)`; rows at padding are ignored) and
  ///     `∂L/∂summary` (`B x D`; the row of an empty sentence is ignored).
  /// - Returns: an encoder whose blocks hold `∂L/∂block`: the embedding rows of the tokens
  ///   read, both cells' weights, summed over steps and the batch.
  public func backward(_ cache: Cache, gradient: EncoderMemoryGradient) -> Self {
    shapePrecondition(
      gradient.outputs.count == cache.source.count
        && gradient.summary.rows == cache.lengths.count && gradient.summary.cols == outputSize,
      "Seq2SeqEncoder.backward: gradients for \(gradient.outputs.count) steps and a summary "
        + "of shape \(gradient.summary.shapeDescription); the forward pass had "
        + "\(cache.source.count) steps and a summary of shape "
        + "\(cache.lengths.count)x\(outputSize)")
    // BEGIN SOLUTION 08.3 Seq2SeqEncoder.backward(_:gradient:) | Lectures/08-seq2seq.md §3
    let batch = cache.lengths.count
    let h = hiddenSize
    var gradients = zerosLike()
    // The gradient reaching each direction's hidden vector at each of its own steps: from the
    // output it wrote (real positions only) and, at its last real step, from the summary.
    func hiddenGradients(offset: Int, reversed: Bool) -> [Matrix] {
      var out = cache.source.map { _ in Matrix.zeros(batch, h) }
      for (b, m) in cache.lengths.enumerated() {
        for t in 0..<m {
          let position = reversed ? m - 1 - t : t
          for j in 0..<h { out[t][b, j] = gradient.outputs[position][b, offset + j] }
        }
        if m > 0 {
          for j in 0..<h { out[m - 1][b, j] += gradient.summary[b, offset + j] }
        }
      }
      return out
    }
    func backpropagate(
      _ cell: Cell, _ steps: [Cell.StepCache], _ ids: [[Int]], _ fromAbove: [Matrix],
      _ embeddingGradient: inout Matrix
    ) -> Cell {
      var cellGradients = cell.zerosLike()
      var next = Cell.State.zeros(batchSize: batch, hiddenSize: h)
      for t in stride(from: steps.count - 1, through: 0, by: -1) {
        let step = cell.backward(steps[t], stateGradient: next.addingToHidden(fromAbove[t]))
        cellGradients.accumulate(step.gradients)
        embeddingGradient.scatterAddRows(step.inputGradient, at: ids[t])
        next = step.previousStateGradient
      }
      return cellGradients
    }
    gradients.forwardCell = backpropagate(
      forwardCell, cache.forwardSteps, cache.source,
      hiddenGradients(offset: 0, reversed: false), &gradients.embedding)
    if let backwardCell {
      gradients.backwardCell = backpropagate(
        backwardCell, cache.backwardSteps, cache.reversedSource,
        hiddenGradients(offset: h, reversed: true), &gradients.embedding)
    }
    return gradients
    // END SOLUTION
  }
}
