import Foundation
import RNNCore
import RNNTraining

/// The output layer of a language model: it reads hidden states and scores the next word.
///
/// ``FullSoftmax`` scores every word (O(V H) per token); ``ClassSoftmax`` (exercises 10.2 and
/// 10.3) and ``HierarchicalSoftmax`` (10.5 and 10.6) factor the distribution so that training
/// touches only O((K + |class|) H) or O(depth · H) parameters per token. A
/// ``FactoredLanguageModel`` works with any of them.
public protocol OutputLayer: Parameterized, Sendable {
  /// What ``lossAndCache(hidden:targets:)`` keeps for ``backward(_:)``.
  associatedtype Cache: Sendable

  /// `H`, the width of the hidden states it reads.
  var hiddenSize: Int { get }
  /// `V`, the number of words it predicts.
  var vocabularySize: Int { get }

  /// The mean of `-log p(targets[b] | hidden row b)` over the `B` rows (0 for no rows).
  ///
  /// - Parameters:
  ///   - hidden: `B x H`.
  ///   - targets: `B` words in `0..<V`.
  func lossAndCache(hidden: Matrix, targets: [Int]) -> (loss: Double, cache: Cache)

  /// `∂L/∂hidden` (`B x H`) and a layer whose blocks hold the gradient of that mean loss.
  func backward(_ cache: Cache) -> (hiddenGradient: Matrix, gradients: Self)

  /// `log p(w | hidden row b)` for every word: `B x V`, each row's exponentials summing to 1.
  func logProbabilities(hidden: Matrix) -> Matrix
}

/// The ordinary softmax over the whole vocabulary, `p(· | h) = softmax(h Wᵀ + b)`, as an
/// ``OutputLayer``: the baseline the factored layers are compared with.
///
/// Blocks: `W_s` (`V x H`, row `w` scores word `w`) and `b_s` (`1 x V`), the names the output
/// layer of `RNNLanguageModel` (unit 02) uses. Every token costs O(V H).
public struct FullSoftmax: OutputLayer, Equatable {
  /// `W_s`, `V x H`.
  public var weight: Matrix
  /// `b_s`, `1 x V`.
  public var bias: Matrix

  /// A layer with the given weights.
  public init(weight: Matrix, bias: Matrix) {
    shapePrecondition(
      bias.rows == 1 && bias.cols == weight.rows,
      "FullSoftmax: W_s \(weight.shapeDescription) needs b_s 1x\(weight.rows), got "
        + bias.shapeDescription)
    self.weight = weight
    self.bias = bias
  }

  /// A layer with a Xavier-uniform `W_s` and `b_s = 0`, as `RNNLanguageModel` starts.
  public init(vocabularySize: Int, hiddenSize: Int, rng: inout RandomSource) {
    self.init(
      weight: .xavierUniform(vocabularySize, hiddenSize, rng: &rng),
      bias: .zeros(1, vocabularySize))
  }

  public var hiddenSize: Int { weight.cols }
  public var vocabularySize: Int { weight.rows }

  public mutating func visitParameters(_ body: (String, inout Matrix) throws -> Void) rethrows {
    try body("W_s", &weight)
    try body("b_s", &bias)
  }

  /// The hidden states and `∂L/∂logits` (`B x V`) of the mean cross-entropy.
  public struct Cache: Sendable {
    public var hidden: Matrix
    public var logitGradient: Matrix
  }

  private func logits(_ hidden: Matrix, _ caller: String) -> Matrix {
    shapePrecondition(
      hidden.cols == hiddenSize,
      "FullSoftmax.\(caller): hidden states of shape \(hidden.shapeDescription) for a layer "
        + "that reads \(hiddenSize) columns")
    return hidden.matmul(weight, transposeOther: true).adding(rowVector: bias)
  }

  public func lossAndCache(hidden: Matrix, targets: [Int]) -> (loss: Double, cache: Cache) {
    let result = CrossEntropy.lossAndGradient(
      logits: logits(hidden, "lossAndCache"), targets: targets)
    return (result.loss, Cache(hidden: hidden, logitGradient: result.gradient))
  }

  public func backward(_ cache: Cache) -> (hiddenGradient: Matrix, gradients: FullSoftmax) {
    let g = cache.logitGradient
    return (
      g.matmul(weight),
      FullSoftmax(weight: g.matmul(cache.hidden, transposeSelf: true), bias: g.sumRows())
    )
  }

  public func logProbabilities(hidden: Matrix) -> Matrix {
    logits(hidden, "logProbabilities").logSoftmaxRows()
  }
}

extension ClassSoftmax: OutputLayer {}
extension HierarchicalSoftmax: OutputLayer {}

/// A recurrent language model whose output layer is any ``OutputLayer``: the recurrent
/// language model of units 02 and 03 with the full softmax replaced by a class-based or
/// hierarchical one (provided; the output layers are exercises 10.2, 10.3, 10.5 and 10.6).
///
///     x_t = W_e[w_t]                  (row w_t of the embedding, E wide)
///     h_t = cell(x_t, h_{t-1})        (any cell: Elman, GRU, LSTM, ...)
///     p(w_{t+1} | w_1 ... w_t) = output(h_t)
///
/// The loss of a `B x T` chunk is the mean of `-log p` over its `B T` predictions. The output
/// layer sees the hidden states of all `T` steps at once, stacked step by step into one
/// `(T B) x H` matrix (rows `t B ..< (t + 1) B` are step `t`), so one call scores the whole
/// chunk and its mean is the chunk's mean. Backpropagation through time then walks the cell's
/// steps backward as in unit 03, with `∂L/∂h_t` from the output layer added at each step.
///
/// Parameter blocks, in visiting order: `embedding` (`V x E`), the cell's blocks prefixed with
/// `cell.`, and the output layer's blocks prefixed with `output.`.
public struct FactoredLanguageModel<Cell: BackpropagatingCell, Output: OutputLayer>:
  Parameterized, Sendable
{
  /// `W_e`, `V x E`.
  public var embedding: Matrix
  /// The recurrent cell (input size `E`, hidden size `H`).
  public var cell: Cell
  /// The output layer (reads `H`, predicts `V` words).
  public var output: Output

  /// A model from explicit parts; their shapes must fit.
  public init(embedding: Matrix, cell: Cell, output: Output) {
    shapePrecondition(
      embedding.cols == cell.inputSize && output.hiddenSize == cell.hiddenSize
        && output.vocabularySize == embedding.rows,
      "FactoredLanguageModel: embedding \(embedding.shapeDescription), cell "
        + "\(cell.inputSize) -> \(cell.hiddenSize) and an output layer reading "
        + "\(output.hiddenSize) columns over \(output.vocabularySize) words do not fit "
        + "(expected V x E, E -> H, H over V)")
    self.embedding = embedding
    self.cell = cell
    self.output = output
  }

  /// A model around `cell` and `output` with Gaussian embeddings (standard deviation 0.1),
  /// as `RNNLanguageModel` starts.
  public init(cell: Cell, output: Output, rng: inout RandomSource) {
    self.init(
      embedding: .gaussian(output.vocabularySize, cell.inputSize, std: 0.1, rng: &rng),
      cell: cell, output: output)
  }

  /// `V`.
  public var vocabularySize: Int { embedding.rows }
  /// `E`.
  public var embeddingSize: Int { embedding.cols }
  /// `H`.
  public var hiddenSize: Int { cell.hiddenSize }

  public mutating func visitParameters(_ body: (String, inout Matrix) throws -> Void) rethrows {
    try body("embedding", &embedding)
    try cell.visitParameters { name, block in try body("cell." + name, &block) }
    try output.visitParameters { name, block in try body("output." + name, &block) }
  }

  /// The all-zero state for `batchSize` sequences.
  public func initialState(batchSize: Int) -> Cell.State {
    Cell.State.zeros(batchSize: batchSize, hiddenSize: hiddenSize)
  }

  /// The states after every step of a `B x T` batch and the cell's step caches.
  public func run(
    _ inputs: [[Int]], initialState: Cell.State
  ) -> (states: [Cell.State], caches: [Cell.StepCache]) {
    let steps = inputs.first?.count ?? 0
    shapePrecondition(
      inputs.allSatisfy { $0.count == steps }
        && initialState.hidden.rows == inputs.count && initialState.hidden.cols == hiddenSize,
      "FactoredLanguageModel: \(inputs.count) sequences of lengths \(inputs.map(\.count)) "
        + "from a state of shape \(initialState.hidden.shapeDescription); expected equal "
        + "lengths and \(inputs.count)x\(hiddenSize)")
    var state = initialState
    var states: [Cell.State] = []
    var caches: [Cell.StepCache] = []
    for t in 0..<steps {
      let step = cell.forward(embedding.gatherRows(inputs.map { $0[t] }), state: state)
      state = step.state
      states.append(state)
      caches.append(step.cache)
    }
    return (states, caches)
  }

  /// The hidden parts of `states` stacked step by step: `(T B) x H`.
  static func stacked(_ states: [Cell.State], hiddenSize: Int) -> Matrix {
    let rows = states.reduce(0) { $0 + $1.hidden.rows }
    return Matrix(rows: rows, cols: hiddenSize, values: states.flatMap(\.hidden.storage))
  }

  /// Rows `t B ..< (t + 1) B` of a stacked `(T B) x H` matrix.
  static func step(_ t: Int, of stacked: Matrix, batch: Int) -> Matrix {
    let width = batch * stacked.cols
    return Matrix(
      rows: batch, cols: stacked.cols,
      values: Array(stacked.storage[(t * width)..<((t + 1) * width)]))
  }

  /// The targets of a `B x T` chunk in the stacked order (step by step).
  static func stackedTargets(_ targets: [[Int]]) -> [Int] {
    let steps = targets.first?.count ?? 0
    return (0..<steps).flatMap { t in targets.map { $0[t] } }
  }

  /// The mean `-log p` of the `B x T` targets (nats per token), reading `inputs` from
  /// `initialState`.
  public func loss(inputs: [[Int]], targets: [[Int]], initialState: Cell.State) -> Double {
    let pass = run(inputs, initialState: initialState)
    guard !pass.states.isEmpty else { return 0 }
    return output.lossAndCache(
      hidden: Self.stacked(pass.states, hiddenSize: hiddenSize),
      targets: Self.stackedTargets(targets)
    ).loss
  }

  /// `log p(w | inputs[b][0...t])` for every word: `T` matrices `B x V` (full cost O(V H) per
  /// token; for checks and sampling).
  public func logProbabilities(inputs: [[Int]], initialState: Cell.State) -> [Matrix] {
    run(inputs, initialState: initialState).states.map {
      output.logProbabilities(hidden: $0.hidden)
    }
  }

  /// The log-probabilities of the word after `token` for one sequence, and the new state.
  public func nextTokenLogProbabilities(
    after token: Int, state: Cell.State
  ) -> (logProbabilities: [Double], state: Cell.State) {
    let pass = run([[token]], initialState: state)
    return (output.logProbabilities(hidden: pass.states[0].hidden).row(0), pass.states[0])
  }
}

extension FactoredLanguageModel: TrainableLanguageModel {
  /// The mean `-log p` over the chunk and its gradient by backpropagation through time (whole
  /// chunk, or each step's loss through at most `truncation` steps, as in exercise 03.3). The
  /// initial state is a constant.
  public func lossAndGradients(
    _ chunk: TokenChunk, initialState: Cell.State, truncation: Int?
  ) -> (loss: Double, gradients: FactoredLanguageModel, finalState: Cell.State) {
    let pass = run(chunk.inputs, initialState: initialState)
    var gradients = zerosLike()
    guard !pass.states.isEmpty else { return (0, gradients, initialState) }
    let batch = chunk.batchSize
    let (loss, cache) = output.lossAndCache(
      hidden: Self.stacked(pass.states, hiddenSize: hiddenSize),
      targets: Self.stackedTargets(chunk.targets))
    let (hiddenGradient, outputGradients) = output.backward(cache)
    gradients.output = outputGradients
    let zero = Cell.State.zeros(batchSize: batch, hiddenSize: hiddenSize)
    func backStep(_ t: Int, _ dState: Cell.State) -> Cell.State {
      let step = cell.backward(pass.caches[t], stateGradient: dState)
      gradients.cell.accumulate(step.gradients)
      gradients.embedding.scatterAddRows(step.inputGradient, at: chunk.inputs.map { $0[t] })
      return step.previousStateGradient
    }
    let steps = pass.states.count
    if let window = truncation, window < steps {
      for t in 0..<steps {
        var dState = zero.addingToHidden(Self.step(t, of: hiddenGradient, batch: batch))
        for j in stride(from: t, through: max(0, t - window + 1), by: -1) {
          dState = backStep(j, dState)
        }
      }
    } else {
      var dNext = zero
      for t in stride(from: steps - 1, through: 0, by: -1) {
        dNext = backStep(t, dNext.addingToHidden(Self.step(t, of: hiddenGradient, batch: batch)))
      }
    }
    return (loss, gradients, pass.states[steps - 1])
  }

  /// Scores `tokens` as one stream read in pieces of `steps` tokens, the state carried.
  public func score(_ tokens: [Int], steps: Int) -> LanguageModelScore {
    var state = initialState(batchSize: 1)
    var total = 0.0
    var count = 0
    for chunk in ContiguousBatcher.evaluationChunks(tokens, steps: steps) {
      let pass = run(chunk.inputs, initialState: state)
      let loss = output.lossAndCache(
        hidden: Self.stacked(pass.states, hiddenSize: hiddenSize),
        targets: Self.stackedTargets(chunk.targets)
      ).loss
      total += loss * Double(chunk.tokenCount)
      count += chunk.tokenCount
      state = pass.states.last ?? state
    }
    let meanLoss = count == 0 ? 0 : total / Double(count)
    return LanguageModelScore(meanLoss: meanLoss, perplexity: exp(meanLoss), tokens: count)
  }
}
