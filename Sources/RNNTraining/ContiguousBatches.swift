/// A minibatch of token chunks for truncated backpropagation through time.
///
/// Shapes are `batch x steps`: `inputs[b][t]` is the token that sequence `b` reads at step `t`,
/// and `targets[b][t]` is the token that follows it, the one the model must predict there.
public struct TokenChunk: Equatable, Sendable {
  /// `batch x steps` token ids read by the model.
  public var inputs: [[Int]]
  /// `batch x steps` token ids to predict: `targets[b][t]` follows `inputs[b][t]`.
  public var targets: [[Int]]
  /// Whether this chunk starts the streams (the first chunk of an epoch): the carried state
  /// must be reset to the initial state here.
  public var startsStreams: Bool

  /// Creates a chunk; `inputs` and `targets` must have the same shape.
  public init(inputs: [[Int]], targets: [[Int]], startsStreams: Bool) {
    precondition(
      inputs.count == targets.count && zip(inputs, targets).allSatisfy { $0.count == $1.count },
      "TokenChunk: inputs and targets must have the same batch x steps shape")
    self.inputs = inputs
    self.targets = targets
    self.startsStreams = startsStreams
  }

  /// Number of sequences (rows).
  public var batchSize: Int { inputs.count }
  /// Number of time steps (columns).
  public var steps: Int { inputs.first?.count ?? 0 }
  /// Number of predicted tokens, `batchSize * steps`.
  public var tokenCount: Int { batchSize * steps }
}

/// Cuts one long token stream into minibatches of contiguous chunks, for *stateful* truncated
/// backpropagation through time.
///
/// The stream is split into `batchSize` equal, contiguous pieces, one per batch row (the few
/// tokens that do not divide evenly are dropped). Chunk `j` holds columns
/// `j*steps ..< (j+1)*steps` of every row, so row `b` of chunk `j + 1` continues exactly where
/// row `b` of chunk `j` stopped. A trainer can therefore carry the final hidden state of one
/// chunk into the next as a constant (no gradient flows across the chunk boundary), and the
/// model still sees context longer than `steps`.
///
///     stream:  a b c d e f g h i j k l m n o p q   (17 tokens), batchSize 2, steps 3
///     row 0:   a b c d e f g h      row 1:  i j k l m n o p   (q dropped: no successor)
///     chunk 0: inputs [[a b c] [i j k]], targets [[b c d] [j k l]]
///     chunk 1: inputs [[d e f] [l m n]], targets [[e f g] [m n o]]
///
/// A last partial chunk (fewer than `steps` columns left) is skipped; after the last chunk the
/// batcher starts again at chunk 0 (a new epoch).
public struct ContiguousBatcher: Sendable {
  /// `batchSize` rows, each `rowLength + 1` tokens long (inputs plus the final target).
  private let rows: [[Int]]
  /// Sequences per chunk.
  public let batchSize: Int
  /// Time steps per chunk.
  public let steps: Int

  /// - Precondition: the stream holds at least `batchSize * steps + 1` tokens, so that every
  ///   row has at least one full chunk.
  public init(tokens: [Int], batchSize: Int, steps: Int) {
    precondition(batchSize >= 1 && steps >= 1, "ContiguousBatcher: batchSize and steps must be ≥ 1")
    precondition(
      tokens.count >= batchSize * steps + 1,
      "ContiguousBatcher: \(tokens.count) tokens cannot fill one chunk of \(batchSize) x \(steps)")
    let rowLength = (tokens.count - 1) / batchSize
    rows = (0..<batchSize).map { b in
      Array(tokens[(b * rowLength)..<((b + 1) * rowLength + 1)])
    }
    self.batchSize = batchSize
    self.steps = steps
  }

  /// The smallest number of tokens that fills one chunk of this shape.
  public static func minimumTokens(batchSize: Int, steps: Int) -> Int { batchSize * steps + 1 }

  /// Chunks in one pass over the stream.
  public var chunksPerEpoch: Int { (rows[0].count - 1) / steps }

  /// Chunk `index` (taken modulo ``chunksPerEpoch``, so indices past the end start a new
  /// epoch).
  public func chunk(_ index: Int) -> TokenChunk {
    let j = index % chunksPerEpoch
    let start = j * steps
    return TokenChunk(
      inputs: rows.map { Array($0[start..<(start + steps)]) },
      targets: rows.map { Array($0[(start + 1)..<(start + steps + 1)]) },
      startsStreams: j == 0)
  }

  /// The chunks of a stream for evaluation with one sequence (batch 1): consecutive pieces of
  /// at most `steps` inputs covering every token but the first exactly once as a target. The
  /// last chunk may be shorter. Feeding them in order with the state carried scores the whole
  /// stream.
  public static func evaluationChunks(_ tokens: [Int], steps: Int) -> [TokenChunk] {
    precondition(steps >= 1, "ContiguousBatcher.evaluationChunks: steps must be ≥ 1")
    var chunks: [TokenChunk] = []
    var start = 0
    while start + 1 < tokens.count {
      let end = min(start + steps, tokens.count - 1)
      chunks.append(
        TokenChunk(
          inputs: [Array(tokens[start..<end])], targets: [Array(tokens[(start + 1)...end])],
          startsStreams: start == 0))
      start = end
    }
    return chunks
  }
}
