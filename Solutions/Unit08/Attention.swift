import Foundation
import RNNCore

/// How the decoder gets its context vector `c_t` at each step from the encoder's memory.
///
/// The query is the decoder's previous hidden vector `s_{t-1}` (`B x H_d`). The context has the
/// encoder's width `D`. An attention mechanism also reports its *weights*: `B x T_s`, one
/// distribution over the source positions per sentence, zero at padding (what the heatmaps
/// show); a mechanism that does not look at positions reports `B x 0`.
public protocol Attention: Parameterized, Sendable {
  /// What ``attend(query:memory:)`` keeps for ``backward(_:contextGradient:memoryGradient:)``.
  associatedtype Cache: Sendable

  /// The context of one decoder step for a batch.
  ///
  /// - Parameters:
  ///   - query: `s_{t-1}`, `B x H_d`.
  ///   - memory: the encoder's outputs, summary and source lengths for the same `B` rows.
  /// - Returns: the context `B x D`, the weights `B x T_s` (or `B x 0`), and the cache.
  func attend(
    query: Matrix, memory: EncoderMemory
  ) -> (
    context: Matrix, weights: Matrix, cache: Cache
  )

  /// Backpropagation through one call of ``attend(query:memory:)``.
  ///
  /// - Parameters:
  ///   - cache: what that call returned.
  ///   - contextGradient: `∂L/∂c_t`, `B x D`.
  ///   - memoryGradient: gradients of the encoder's memory; this call *adds* its share
  ///     (`∂L/∂outputs`, `∂L/∂summary`) to them, since every decoder step reads the memory.
  /// - Returns: `∂L/∂query` (`B x H_d`) and a mechanism whose blocks hold this call's
  ///   `∂L/∂block`, summed over the batch.
  func backward(
    _ cache: Cache, contextGradient: Matrix, memoryGradient: inout EncoderMemoryGradient
  ) -> (queryGradient: Matrix, gradients: Self)
}

/// No attention: the context of every step is the encoder's summary, whatever the query (the
/// encoder-decoder of Cho et al. 2014, where the decoder reads the same sentence vector at
/// every step). It has no parameters and reports `B x 0` weights.
public struct NoAttention: Attention, Equatable {
  /// The rows and columns of the query, for the shape of its (zero) gradient.
  public struct Cache: Sendable {
    public var queryRows: Int
    public var queryCols: Int
  }

  public init() {}

  public mutating func visitParameters(_ body: (String, inout Matrix) throws -> Void) rethrows {}

  /// The context is a copy of `memory.summary`.
  public func attend(
    query: Matrix, memory: EncoderMemory
  ) -> (
    context: Matrix, weights: Matrix, cache: Cache
  ) {
    (memory.summary, .zeros(query.rows, 0), Cache(queryRows: query.rows, queryCols: query.cols))
  }

  /// Adds `contextGradient` to the summary's gradient; the query gets zero.
  public func backward(
    _ cache: Cache, contextGradient: Matrix, memoryGradient: inout EncoderMemoryGradient
  ) -> (queryGradient: Matrix, gradients: NoAttention) {
    memoryGradient.summary += contextGradient
    return (.zeros(cache.queryRows, cache.queryCols), NoAttention())
  }
}

/// Softmax of each row of `scores` over its first `lengths[b]` columns only; the other columns
/// (padding positions) get weight exactly 0, and a row with `lengths[b] == 0` is all zeros.
/// Each row is shifted by its own maximum over the real columns before `exp`, so scores of
/// ±1000 give finite weights.
///
/// - Parameters:
///   - scores: `B x T_s`.
///   - lengths: `B` lengths in `0...T_s`.
/// - Returns: `B x T_s` weights; each row with a real position sums to 1.
public func maskedSoftmax(_ scores: Matrix, lengths: [Int]) -> Matrix {
  shapePrecondition(
    lengths.count == scores.rows && lengths.allSatisfy { $0 >= 0 && $0 <= scores.cols },
    "maskedSoftmax: \(lengths.count) lengths \(lengths) for scores of shape "
      + "\(scores.shapeDescription)")
  var weights = Matrix.zeros(like: scores)
  for (b, m) in lengths.enumerated() where m > 0 {
    var largest = -Double.infinity
    for i in 0..<m { largest = max(largest, scores[b, i]) }
    var total = 0.0
    for i in 0..<m {
      let e = exp(scores[b, i] - largest)
      weights[b, i] = e
      total += e
    }
    for i in 0..<m { weights[b, i] /= total }
  }
  return weights
}

/// Checks that a query and a memory fit an attention mechanism.
func checkAttentionShapes(
  query: Matrix, memory: EncoderMemory, querySize: Int, keySize: Int, _ caller: String
) {
  shapePrecondition(
    query.rows == memory.batchSize && query.cols == querySize && memory.width == keySize
      && memory.outputs.allSatisfy { $0.rows == query.rows && $0.cols == keySize },
    "\(caller): query \(query.shapeDescription) (expected \(memory.batchSize)x\(querySize)) "
      + "and encoder outputs \(memory.outputs.map(\.shapeDescription)) (expected "
      + "\(query.rows)x\(keySize) each)")
}

/// Additive attention (Bahdanau, Cho and Bengio 2015): a one-hidden-layer network scores each
/// source position against the query,
///
///     e_i = v · tanh(W_q s + W_k h_i + b)        for every real position i,
///
/// the weights are the masked softmax of the scores over the real positions, and the context is
/// the weighted sum of the encoder outputs `h_i`.
///
/// Shapes: `W_q` (`queryWeight`) is `A x H_d`, `W_k` (`keyWeight`) `A x D`, `b` (`bias`) and `v`
/// (`scoreVector`) are `1 x A`; applied to row-vector batches as `s W_qᵀ`, `h_i W_kᵀ`.
public struct AdditiveAttention: Attention, Equatable {
  public var queryWeight: Matrix
  public var keyWeight: Matrix
  public var bias: Matrix
  public var scoreVector: Matrix

  /// What one ``attend(query:memory:)`` keeps.
  public struct Cache: Sendable {
    /// The query `s` (`B x H_d`).
    public var query: Matrix
    /// The encoder outputs `h_i` (`T_s` matrices `B x D`).
    public var keys: [Matrix]
    /// `tanh(W_q s + W_k h_i + b)` for every position (`T_s` matrices `B x A`).
    public var hidden: [Matrix]
    /// The weights (`B x T_s`).
    public var weights: Matrix
    /// The source lengths.
    public var lengths: [Int]

    public init(query: Matrix, keys: [Matrix], hidden: [Matrix], weights: Matrix, lengths: [Int]) {
      self.query = query
      self.keys = keys
      self.hidden = hidden
      self.weights = weights
      self.lengths = lengths
    }
  }

  public init(queryWeight: Matrix, keyWeight: Matrix, bias: Matrix, scoreVector: Matrix) {
    precondition(
      keyWeight.rows == queryWeight.rows && bias.rows == 1 && bias.cols == queryWeight.rows
        && scoreVector.rows == 1 && scoreVector.cols == queryWeight.rows,
      "AdditiveAttention: W_q \(queryWeight.shapeDescription), W_k "
        + "\(keyWeight.shapeDescription), b \(bias.shapeDescription) and v "
        + "\(scoreVector.shapeDescription) must share their attention size A")
    self.queryWeight = queryWeight
    self.keyWeight = keyWeight
    self.bias = bias
    self.scoreVector = scoreVector
  }

  /// Random weights (Xavier-uniform `W_q` and `W_k`, `v` uniform in ±1/sqrt(A)), zero bias.
  public init(querySize: Int, keySize: Int, attentionSize: Int, rng: inout RandomSource) {
    let bound = 1 / Double(attentionSize).squareRoot()
    self.init(
      queryWeight: .xavierUniform(attentionSize, querySize, rng: &rng),
      keyWeight: .xavierUniform(attentionSize, keySize, rng: &rng),
      bias: .zeros(1, attentionSize),
      scoreVector: .uniform(1, attentionSize, low: -bound, high: bound, rng: &rng))
  }

  /// `H_d`, the width of the query.
  public var querySize: Int { queryWeight.cols }
  /// `D`, the width of the encoder outputs.
  public var keySize: Int { keyWeight.cols }
  /// `A`, the width of the scoring layer.
  public var attentionSize: Int { queryWeight.rows }

  public mutating func visitParameters(_ body: (String, inout Matrix) throws -> Void) rethrows {
    try body("W_q", &queryWeight)
    try body("W_k", &keyWeight)
    try body("b", &bias)
    try body("v", &scoreVector)
  }

  /// The context of one step (see the type's description).
  ///
  /// - Returns: the context `B x D` (a zero row for an empty source), the weights `B x T_s`
  ///   (zero at padding; each row of a non-empty source sums to 1), and the cache.
  public func attend(
    query: Matrix, memory: EncoderMemory
  ) -> (
    context: Matrix, weights: Matrix, cache: Cache
  ) {
    checkAttentionShapes(
      query: query, memory: memory, querySize: querySize, keySize: keySize,
      "AdditiveAttention.attend")
    // BEGIN SOLUTION 08.7 AdditiveAttention.attend(query:memory:) | Lectures/08-seq2seq.md §6
    let projectedQuery = query.matmul(queryWeight, transposeOther: true).adding(rowVector: bias)
    var scores = Matrix.zeros(query.rows, memory.outputs.count)
    var hidden: [Matrix] = []
    for (i, key) in memory.outputs.enumerated() {
      let u = (key.matmul(keyWeight, transposeOther: true) + projectedQuery).tanh()
      let e = u.matmul(scoreVector, transposeOther: true)
      for b in 0..<query.rows { scores[b, i] = e[b, 0] }
      hidden.append(u)
    }
    let weights = maskedSoftmax(scores, lengths: memory.lengths)
    var context = Matrix.zeros(query.rows, keySize)
    for (i, key) in memory.outputs.enumerated() {
      context += key.multiplying(columnVector: weights.columns(i..<(i + 1)))
    }
    return (
      context, weights,
      Cache(
        query: query, keys: memory.outputs, hidden: hidden, weights: weights,
        lengths: memory.lengths)
    )
    // END SOLUTION
  }

  /// Backpropagation through one ``attend(query:memory:)``.
  ///
  /// - Parameters:
  ///   - cache: what that call returned.
  ///   - contextGradient: `∂L/∂c`, `B x D`.
  ///   - memoryGradient: this call adds `∂L/∂h_i` to `memoryGradient.outputs[i]` for every
  ///     position (zero rows at padding); the summary's gradient is left alone.
  /// - Returns: `∂L/∂s` (`B x H_d`) and the gradients of `W_q`, `W_k`, `b` and `v`, summed over
  ///   the batch.
  public func backward(
    _ cache: Cache, contextGradient: Matrix, memoryGradient: inout EncoderMemoryGradient
  ) -> (queryGradient: Matrix, gradients: AdditiveAttention) {
    shapePrecondition(
      contextGradient.rows == cache.query.rows && contextGradient.cols == keySize
        && memoryGradient.outputs.count == cache.keys.count,
      "AdditiveAttention.backward: context gradient \(contextGradient.shapeDescription) "
        + "(expected \(cache.query.rows)x\(keySize)) and \(memoryGradient.outputs.count) output "
        + "gradients for \(cache.keys.count) positions")
    // BEGIN SOLUTION 08.8 AdditiveAttention.backward(_:contextGradient:memoryGradient:) | Lectures/08-seq2seq.md §6
    let batch = cache.query.rows
    let positions = cache.keys.count
    var gradients = zerosLike()
    var weightGradients = Matrix.zeros(batch, positions)
    for (i, key) in cache.keys.enumerated() {
      let alpha = cache.weights.columns(i..<(i + 1))
      memoryGradient.outputs[i] += contextGradient.multiplying(columnVector: alpha)
      let d = contextGradient.rowDots(key)
      for b in 0..<batch { weightGradients[b, i] = d[b, 0] }
    }
    let mean = cache.weights.rowDots(weightGradients)
    var projectedQueryGradient = Matrix.zeros(batch, attentionSize)
    for (i, key) in cache.keys.enumerated() {
      let scoreGradient = Matrix(rows: batch, cols: 1) { b, _ in
        cache.weights[b, i] * (weightGradients[b, i] - mean[b, 0])
      }
      let u = cache.hidden[i]
      gradients.scoreVector += scoreGradient.matmul(u, transposeSelf: true)
      let preGradient = scoreGradient.matmul(scoreVector) * u.map { 1 - $0 * $0 }
      gradients.keyWeight += preGradient.matmul(key, transposeSelf: true)
      memoryGradient.outputs[i] += preGradient.matmul(keyWeight)
      projectedQueryGradient += preGradient
    }
    gradients.bias = projectedQueryGradient.sumRows()
    gradients.queryWeight = projectedQueryGradient.matmul(cache.query, transposeSelf: true)
    return (projectedQueryGradient.matmul(queryWeight), gradients)
    // END SOLUTION
  }
}

/// Dot-product attention (Luong, Pham and Manning 2015): each source position is scored by the
/// dot product of its encoder output with the query,
///
///     e_i = s · h_i                              for every real position i,
///
/// the weights are the masked softmax of the scores over the real positions, and the context is
/// the weighted sum of the `h_i`. It has no parameters, and the query must be as wide as the
/// encoder outputs (`H_d = D`).
public struct DotAttention: Attention, Equatable {
  /// The width `D` of both the query and the encoder outputs.
  public var size: Int

  /// What one ``attend(query:memory:)`` keeps.
  public struct Cache: Sendable {
    /// The query `s` (`B x D`).
    public var query: Matrix
    /// The encoder outputs `h_i` (`T_s` matrices `B x D`).
    public var keys: [Matrix]
    /// The weights (`B x T_s`).
    public var weights: Matrix
    /// The source lengths.
    public var lengths: [Int]

    public init(query: Matrix, keys: [Matrix], weights: Matrix, lengths: [Int]) {
      self.query = query
      self.keys = keys
      self.weights = weights
      self.lengths = lengths
    }
  }

  /// Dot-product attention for queries and encoder outputs of width `size`.
  public init(size: Int) { self.size = size }

  public mutating func visitParameters(_ body: (String, inout Matrix) throws -> Void) rethrows {}

  /// The context of one step (see the type's description).
  ///
  /// - Returns: the context `B x D` (a zero row for an empty source), the weights `B x T_s`
  ///   (zero at padding; each row of a non-empty source sums to 1), and the cache.
  public func attend(
    query: Matrix, memory: EncoderMemory
  ) -> (
    context: Matrix, weights: Matrix, cache: Cache
  ) {
    checkAttentionShapes(
      query: query, memory: memory, querySize: size, keySize: size, "DotAttention.attend")
    // BEGIN SOLUTION 08.9 DotAttention.attend(query:memory:) | Lectures/08-seq2seq.md §6
    var scores = Matrix.zeros(query.rows, memory.outputs.count)
    for (i, key) in memory.outputs.enumerated() {
      let e = query.rowDots(key)
      for b in 0..<query.rows { scores[b, i] = e[b, 0] }
    }
    let weights = maskedSoftmax(scores, lengths: memory.lengths)
    var context = Matrix.zeros(query.rows, size)
    for (i, key) in memory.outputs.enumerated() {
      context += key.multiplying(columnVector: weights.columns(i..<(i + 1)))
    }
    return (
      context, weights,
      Cache(query: query, keys: memory.outputs, weights: weights, lengths: memory.lengths)
    )
    // END SOLUTION
  }

  /// Backpropagation through one ``attend(query:memory:)``.
  ///
  /// - Parameters:
  ///   - cache: what that call returned.
  ///   - contextGradient: `∂L/∂c`, `B x D`.
  ///   - memoryGradient: this call adds `∂L/∂h_i` to `memoryGradient.outputs[i]` for every
  ///     position (zero rows at padding); the summary's gradient is left alone.
  /// - Returns: `∂L/∂s` (`B x D`) and an empty mechanism (there are no parameters).
  public func backward(
    _ cache: Cache, contextGradient: Matrix, memoryGradient: inout EncoderMemoryGradient
  ) -> (queryGradient: Matrix, gradients: DotAttention) {
    shapePrecondition(
      contextGradient.rows == cache.query.rows && contextGradient.cols == size
        && memoryGradient.outputs.count == cache.keys.count,
      "DotAttention.backward: context gradient \(contextGradient.shapeDescription) "
        + "(expected \(cache.query.rows)x\(size)) and \(memoryGradient.outputs.count) output "
        + "gradients for \(cache.keys.count) positions")
    // BEGIN SOLUTION 08.10 DotAttention.backward(_:contextGradient:memoryGradient:) | Lectures/08-seq2seq.md §6
    let batch = cache.query.rows
    var weightGradients = Matrix.zeros(batch, cache.keys.count)
    for (i, key) in cache.keys.enumerated() {
      let alpha = cache.weights.columns(i..<(i + 1))
      memoryGradient.outputs[i] += contextGradient.multiplying(columnVector: alpha)
      let d = contextGradient.rowDots(key)
      for b in 0..<batch { weightGradients[b, i] = d[b, 0] }
    }
    let mean = cache.weights.rowDots(weightGradients)
    var queryGradient = Matrix.zeros(like: cache.query)
    for (i, key) in cache.keys.enumerated() {
      let scoreGradient = Matrix(rows: batch, cols: 1) { b, _ in
        cache.weights[b, i] * (weightGradients[b, i] - mean[b, 0])
      }
      queryGradient += key.multiplying(columnVector: scoreGradient)
      memoryGradient.outputs[i] += cache.query.multiplying(columnVector: scoreGradient)
    }
    return (queryGradient, self)
    // END SOLUTION
  }
}
