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
/// hierarchical one. Its forward pass through time is exercise 10.10 and its loss and
/// gradients exercise 10.11; the output layers are exercises 10.2, 10.3, 10.5 and 10.6.
///
///     x_t = W_e[w_t]                  (row w_t of the embedding, E wide)
///     h_t = cell(x_t, h_{t-1})        (any cell: Elman, GRU, LSTM, ...)
///     p(w_{t+1} | w_1 ... w_t) = output(h_t)
///
/// The loss of a `B x T` chunk is the mean of `-log p` over its `B T` predictions. The output
/// layer sees the hidden states of all `T` steps at once, stacked step by step into one
/// `(T B) x H` matrix (rows `t B ..< (t + 1) B` are step `t`), so one call scores the whole
/// chunk and its mean is the chunk's mean.
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

  /// Reads a `B x T` batch of word ids through the cell, one step at a time (exercise 10.10).
  ///
  /// Step `t` looks up the embedding rows of the `B` words `inputs[b][t]` (a `B x E` matrix,
  /// row `b` for sequence `b`) and applies the cell to them and to the state left by step
  /// `t - 1`; step 0 starts from `initialState`, which the caller chooses (zeros at the start
  /// of a stream, the state of the previous chunk otherwise).
  ///
  /// - Parameters:
  ///   - inputs: `B` sequences of `T` word ids in `0..<V` (all of the same length).
  ///   - initialState: the state before step 0, `B` rows of width `H`.
  /// - Returns: `states[t]`, the cell's state after step `t` (so `states[T-1]` is the state to
  ///   carry into the next chunk), and `caches[t]`, the cache the cell's forward pass returned
  ///   at step `t`, as its backward pass needs it. Both have `T` entries; none for `T = 0`.
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
    // BEGIN SOLUTION 10.10 FactoredLanguageModel.run(_:initialState:) | Lectures/10-large-vocabularies.md §6
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
    // END SOLUTION
  }

  /// The hidden parts of `states` stacked step by step: `(T B) x H`.
  public static func stacked(_ states: [Cell.State], hiddenSize: Int) -> Matrix {
    let rows = states.reduce(0) { $0 + $1.hidden.rows }
    return Matrix(rows: rows, cols: hiddenSize, values: states.flatMap(\.hidden.storage))
  }

  /// Rows `t B ..< (t + 1) B` of a stacked `(T B) x H` matrix.
  public static func step(_ t: Int, of stacked: Matrix, batch: Int) -> Matrix {
    let width = batch * stacked.cols
    return Matrix(
      rows: batch, cols: stacked.cols,
      values: Array(stacked.storage[(t * width)..<((t + 1) * width)]))
  }

  /// The targets of a `B x T` chunk in the stacked order (step by step).
  public static func stackedTargets(_ targets: [[Int]]) -> [Int] {
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
  /// The mean `-log p` over a chunk and its gradient by backpropagation through time
  /// (exercise 10.11).
  ///
  /// The loss is the mean of `-log p(targets[b][t] | inputs[b][0...t])` over the chunk's
  /// `B T` predictions, from `initialState`, which is a constant: no gradient reaches it. Score
  /// all `T` steps with **one** call of the output layer on the states stacked step by step
  /// (``stacked(_:hiddenSize:)`` and ``stackedTargets(_:)``; rows `t B ..< (t + 1) B` are step
  /// `t`, ``step(_:of:batch:)`` takes them out again), so that the layer's mean is the chunk's
  /// mean and its backward pass gives `∂L/∂h_t` for every step at once.
  ///
  /// - Parameters:
  ///   - chunk: `B x T` inputs and targets (``TokenChunk``).
  ///   - initialState: the state before the chunk's first step.
  ///   - truncation: `nil` backpropagates every step's loss through the whole chunk (to step
  ///     0). A window `k` backpropagates the loss of step `t` only through steps
  ///     `t, t-1, ..., max(0, t-k+1)`: the state before step `t-k+1` counts as a constant for
  ///     that loss (`k = 1`: no gradient crosses from one step to the step before; exercise
  ///     03.3 defines the same window). A window of `T` or more is the whole chunk.
  /// - Returns: the loss; a model whose blocks hold the gradient of every block (`embedding`
  ///   rows of words absent from the inputs are zero; `cell` and `output` blocks as their
  ///   backward passes define them); and the state after the last step (the initial state
  ///   for `T = 0`, where the loss is 0 and every gradient zero).
  public func lossAndGradients(
    _ chunk: TokenChunk, initialState: Cell.State, truncation: Int?
  ) -> (loss: Double, gradients: FactoredLanguageModel, finalState: Cell.State) {
    // BEGIN SOLUTION 10.11 FactoredLanguageModel.lossAndGradients(_:initialState:truncation:) | Lectures/10-large-vocabularies.md §6
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
    // One step back: the cell's gradients and the embedding rows of step t's inputs.
    func backStep(_ t: Int, _ dState: Cell.State) -> Cell.State {
      let step = cell.backward(pass.caches[t], stateGradient: dState)
      gradients.cell.accumulate(step.gradients)
      gradients.embedding.scatterAddRows(step.inputGradient, at: chunk.inputs.map { $0[t] })
      return step.previousStateGradient
    }
    let steps = pass.states.count
    if let window = truncation, window < steps {
      // Each step's loss walks back through its own window.
      for t in 0..<steps {
        var dState = zero.addingToHidden(Self.step(t, of: hiddenGradient, batch: batch))
        for j in stride(from: t, through: max(0, t - window + 1), by: -1) {
          dState = backStep(j, dState)
        }
      }
    } else {
      // The whole chunk: one walk back, adding each step's ∂L/∂h_t on the way.
      var dNext = zero
      for t in stride(from: steps - 1, through: 0, by: -1) {
        dNext = backStep(t, dNext.addingToHidden(Self.step(t, of: hiddenGradient, batch: batch)))
      }
    }
    return (loss, gradients, pass.states[steps - 1])
    // END SOLUTION
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
