import Foundation
import RNNCore
import RNNTraining

/// An encoder-decoder translation model with separate encoder and decoder weights:
///
///     memory  = encoder(x_1 ... x_m)                 outputs h_i (D each), summary (D)
///     s_0     = tanh(summary W_bᵀ + b_b)             the bridge (H_d); other state parts 0
///     c_t     = attention(s_{t-1}, memory)           (D)
///     s_t     = cell([E_t[y_{t-1}] ; c_t], s_{t-1})  (H_d)
///     logits  = [s_t ; c_t] W_oᵀ + b_o               (V)
///     p(y_t | y_<t, x) = softmax(logits)
///
/// With ``NoAttention`` the context of every step is the summary. The decoder starts from `<s>`
/// and is trained with teacher forcing (``Seq2SeqBatch``).
///
/// Shapes: `bridgeWeight` `W_b` is `H_d x D`, `bridgeBias` `1 x H_d`, `targetEmbedding` `E_t`
/// is `V x E`, the decoder cell reads `E + D` inputs and has `H_d` hidden units, `outputWeight`
/// `W_o` is `V x (H_d + D)` and `outputBias` `1 x V`. Parameter blocks are named `encoder.*`,
/// `bridge.W`, `bridge.b`, `targetEmbedding`, `decoder.*`, `attention.*`, `output.W`, `output.b`.
public struct Seq2Seq<Cell: BackpropagatingCell, Mechanism: Attention>: Parameterized, Sendable {
  public var encoder: Seq2SeqEncoder<Cell>
  public var bridgeWeight: Matrix
  public var bridgeBias: Matrix
  public var targetEmbedding: Matrix
  public var decoder: Cell
  public var attention: Mechanism
  public var outputWeight: Matrix
  public var outputBias: Matrix

  /// What one ``decoderStep(previous:state:memory:)`` keeps for the backward pass.
  public struct StepCache: Sendable {
    /// The `B` tokens read at this step (`y_{t-1}`).
    public var previous: [Int]
    /// The attention's cache for this step.
    public var attention: Mechanism.Cache
    /// The decoder cell's cache for this step.
    public var cell: Cell.StepCache
    /// `[s_t ; c_t]`, `B x (H_d + D)`: what the output layer read.
    public var features: Matrix
    /// The attention weights of this step (`B x T_s`, or `B x 0` without attention).
    public var weights: Matrix

    public init(
      previous: [Int], attention: Mechanism.Cache, cell: Cell.StepCache, features: Matrix,
      weights: Matrix
    ) {
      self.previous = previous
      self.attention = attention
      self.cell = cell
      self.features = features
      self.weights = weights
    }
  }

  /// What ``forward(_:)`` keeps for ``backward(_:)``.
  public struct Cache: Sendable {
    /// The batch that was read.
    public var batch: Seq2SeqBatch
    /// The encoder's cache.
    public var encoder: Seq2SeqEncoder<Cell>.Cache
    /// The encoder's memory.
    public var memory: EncoderMemory
    /// `s_0 = tanh(summary W_bᵀ + b_b)`, `B x H_d`.
    public var initialHidden: Matrix
    /// One cache per decoder step.
    public var steps: [StepCache]
    /// One `B x V` matrix of logits per decoder step.
    public var logits: [Matrix]

    public init(
      batch: Seq2SeqBatch, encoder: Seq2SeqEncoder<Cell>.Cache, memory: EncoderMemory,
      initialHidden: Matrix, steps: [StepCache], logits: [Matrix]
    ) {
      self.batch = batch
      self.encoder = encoder
      self.memory = memory
      self.initialHidden = initialHidden
      self.steps = steps
      self.logits = logits
    }
  }

  /// A model from its parts; the shapes must fit together (see the type's description).
  public init(
    encoder: Seq2SeqEncoder<Cell>, bridgeWeight: Matrix, bridgeBias: Matrix,
    targetEmbedding: Matrix, decoder: Cell, attention: Mechanism, outputWeight: Matrix,
    outputBias: Matrix
  ) {
    let d = encoder.outputSize
    let h = decoder.hiddenSize
    precondition(
      bridgeWeight.rows == h && bridgeWeight.cols == d && bridgeBias.rows == 1
        && bridgeBias.cols == h,
      "Seq2Seq: the bridge is \(bridgeWeight.shapeDescription) + \(bridgeBias.shapeDescription)"
        + "; it must map the encoder's \(d) outputs to the decoder's \(h) hidden units")
    precondition(
      decoder.inputSize == targetEmbedding.cols + d,
      "Seq2Seq: the decoder reads \(decoder.inputSize) inputs; the target embedding gives "
        + "\(targetEmbedding.cols) and the context \(d)")
    precondition(
      outputWeight.rows == targetEmbedding.rows && outputWeight.cols == h + d
        && outputBias.rows == 1 && outputBias.cols == outputWeight.rows,
      "Seq2Seq: the output layer is \(outputWeight.shapeDescription) + "
        + "\(outputBias.shapeDescription); expected \(targetEmbedding.rows)x\(h + d) + "
        + "1x\(targetEmbedding.rows)")
    self.encoder = encoder
    self.bridgeWeight = bridgeWeight
    self.bridgeBias = bridgeBias
    self.targetEmbedding = targetEmbedding
    self.decoder = decoder
    self.attention = attention
    self.outputWeight = outputWeight
    self.outputBias = outputBias
  }

  /// A model around the given cells and attention, with random embeddings (Gaussian, standard
  /// deviation 0.1), a Xavier-uniform bridge and output layer, and zero biases.
  ///
  /// - Parameters:
  ///   - sourceVocabularySize: `V_s`.
  ///   - targetVocabularySize: `V`.
  ///   - embeddingSize: `E_s` (the encoder cells' input size) and `E`.
  ///   - encoderCell: the left-to-right encoder cell (`E_s -> H`).
  ///   - backwardEncoderCell: the right-to-left cell of a bidirectional encoder, or `nil`.
  ///   - decoder: the decoder cell (`E + D -> H_d`).
  ///   - attention: how the decoder reads the memory.
  public init(
    sourceVocabularySize: Int, targetVocabularySize: Int, embeddingSize: Int, encoderCell: Cell,
    backwardEncoderCell: Cell?, decoder: Cell, attention: Mechanism, rng: inout RandomSource
  ) {
    let encoder = Seq2SeqEncoder(
      embedding: .gaussian(sourceVocabularySize, embeddingSize, std: 0.1, rng: &rng),
      forwardCell: encoderCell, backwardCell: backwardEncoderCell)
    let h = decoder.hiddenSize
    self.init(
      encoder: encoder,
      bridgeWeight: .xavierUniform(h, encoder.outputSize, rng: &rng), bridgeBias: .zeros(1, h),
      targetEmbedding: .gaussian(targetVocabularySize, embeddingSize, std: 0.1, rng: &rng),
      decoder: decoder, attention: attention,
      outputWeight: .xavierUniform(targetVocabularySize, h + encoder.outputSize, rng: &rng),
      outputBias: .zeros(1, targetVocabularySize))
  }

  /// `V`, the size of the target vocabulary.
  public var targetVocabularySize: Int { outputWeight.rows }

  public mutating func visitParameters(_ body: (String, inout Matrix) throws -> Void) rethrows {
    try encoder.visitParameters { name, m in try body("encoder." + name, &m) }
    try body("bridge.W", &bridgeWeight)
    try body("bridge.b", &bridgeBias)
    try body("targetEmbedding", &targetEmbedding)
    try decoder.visitParameters { name, m in try body("decoder." + name, &m) }
    try attention.visitParameters { name, m in try body("attention." + name, &m) }
    try body("output.W", &outputWeight)
    try body("output.b", &outputBias)
  }

  /// The decoder's initial state from the encoder's summary (the bridge): its hidden part is
  /// `s_0 = tanh(summary W_bᵀ + b_b)` (`B x H_d`), every other part (an LSTM's memory cell) is
  /// zero.
  public func initialState(_ memory: EncoderMemory) -> (state: Cell.State, hidden: Matrix) {
    let hidden = memory.summary.matmul(bridgeWeight, transposeOther: true)
      .adding(rowVector: bridgeBias).tanh()
    let zero = Cell.State.zeros(batchSize: memory.batchSize, hiddenSize: decoder.hiddenSize)
    return (zero.addingToHidden(hidden), hidden)
  }

  /// One decoder step for a batch (see the type's description).
  ///
  /// - Parameters:
  ///   - previous: the `B` tokens read at this step, `y_{t-1}` (`<s>` at the first step).
  ///   - state: the decoder state after the previous step (`s_{t-1}`; the bridge's state at the
  ///     first step).
  ///   - memory: the encoder's memory for the same `B` sentences.
  /// - Returns: the new state `s_t`, the logits `B x V` for `y_t`, and the cache (with the
  ///   attention weights of this step).
  public func decoderStep(
    previous: [Int], state: Cell.State, memory: EncoderMemory
  ) -> (state: Cell.State, logits: Matrix, cache: StepCache) {
    shapePrecondition(
      previous.count == memory.batchSize && state.hidden.rows == memory.batchSize,
      "Seq2Seq.decoderStep: \(previous.count) tokens and a state of shape "
        + "\(state.hidden.shapeDescription) for \(memory.batchSize) sentences")
    // BEGIN SOLUTION 08.4 Seq2Seq.decoderStep(previous:state:memory:) | Lectures/08-seq2seq.md §4
    let attended = attention.attend(query: state.hidden, memory: memory)
    let input = Matrix.hstack([targetEmbedding.gatherRows(previous), attended.context])
    let step = decoder.forward(input, state: state)
    let features = Matrix.hstack([step.state.hidden, attended.context])
    let logits = features.matmul(outputWeight, transposeOther: true).adding(rowVector: outputBias)
    return (
      step.state, logits,
      StepCache(
        previous: previous, attention: attended.cache, cell: step.cache, features: features,
        weights: attended.weights)
    )
    // END SOLUTION
  }

  /// The teacher-forced forward pass over a batch and its loss.
  ///
  /// - Parameter batch: the padded batch (``Seq2SeqBatch``); source ids must be rows of the
  ///   source embedding, target ids rows of the target embedding.
  /// - Returns: the mean cross-entropy per real target token (every `y_t` and every `</s>`;
  ///   steps past a pair's `targetLengths[b]` count for nothing; 0 for a batch without target
  ///   tokens), and the cache for ``backward(_:)``.
  public func forward(_ batch: Seq2SeqBatch) -> (loss: Double, cache: Cache) {
    shapePrecondition(
      batch.decoderInputs.count == batch.decoderTargets.count
        && batch.targetLengths.count == batch.count,
      "Seq2Seq.forward: \(batch.decoderInputs.count) decoder input steps, "
        + "\(batch.decoderTargets.count) target steps and \(batch.targetLengths.count) target "
        + "lengths for \(batch.count) pairs")
    // BEGIN SOLUTION 08.5 Seq2Seq.forward(_:) | Lectures/08-seq2seq.md §4
    let encoded = encoder.forward(source: batch.source, lengths: batch.sourceLengths)
    let start = initialState(encoded.memory)
    var state = start.state
    var steps: [StepCache] = []
    var logits: [Matrix] = []
    var total = 0.0
    for (t, previous) in batch.decoderInputs.enumerated() {
      let step = decoderStep(previous: previous, state: state, memory: encoded.memory)
      state = step.state
      for b in 0..<batch.count where t < batch.targetLengths[b] {
        let row = step.logits.row(b)
        total += Softmax.logSumExp(row) - row[batch.decoderTargets[t][b]]
      }
      steps.append(step.cache)
      logits.append(step.logits)
    }
    let tokens = batch.targetLengths.reduce(0, +)
    return (
      tokens == 0 ? 0 : total / Double(tokens),
      Cache(
        batch: batch, encoder: encoded.cache, memory: encoded.memory,
        initialHidden: start.hidden, steps: steps, logits: logits)
    )
    // END SOLUTION
  }

  /// Backpropagation through ``forward(_:)``: the output layer, the decoder through time, the
  /// attention at every step, the bridge and the encoder.
  ///
  /// - Parameter cache: what ``forward(_:)`` returned.
  /// - Returns: a model whose blocks hold the gradient of the forward pass's loss (the mean per
  ///   real target token) with respect to every block.
  public func backward(_ cache: Cache) -> Self {
    shapePrecondition(
      cache.steps.count == cache.batch.decoderInputs.count
        && cache.logits.count == cache.steps.count,
      "Seq2Seq.backward: a cache of \(cache.steps.count) steps and \(cache.logits.count) "
        + "logits for \(cache.batch.decoderInputs.count) decoder steps")
    // BEGIN SOLUTION 08.6 Seq2Seq.backward(_:) | Lectures/08-seq2seq.md §5
    let batch = cache.batch
    let h = decoder.hiddenSize
    let d = encoder.outputSize
    let e = targetEmbedding.cols
    let tokens = batch.targetLengths.reduce(0, +)
    let scale = tokens == 0 ? 0 : 1 / Double(tokens)
    var gradients = zerosLike()
    var memoryGradient = EncoderMemoryGradient.zeros(like: cache.memory)
    var next = Cell.State.zeros(batchSize: batch.count, hiddenSize: h)
    for t in stride(from: cache.steps.count - 1, through: 0, by: -1) {
      let step = cache.steps[t]
      var logitGradient = cache.logits[t].softmaxRows()
      for b in 0..<batch.count {
        if t < batch.targetLengths[b] {
          logitGradient[b, batch.decoderTargets[t][b]] -= 1
        } else {
          for v in 0..<logitGradient.cols { logitGradient[b, v] = 0 }
        }
      }
      logitGradient.scale(by: scale)
      gradients.outputWeight += logitGradient.matmul(step.features, transposeSelf: true)
      gradients.outputBias += logitGradient.sumRows()
      let featureGradient = logitGradient.matmul(outputWeight)
      var contextGradient = featureGradient.columns(h..<(h + d))
      let cellBack = decoder.backward(
        step.cell, stateGradient: next.addingToHidden(featureGradient.columns(0..<h)))
      gradients.decoder.accumulate(cellBack.gradients)
      gradients.targetEmbedding.scatterAddRows(
        cellBack.inputGradient.columns(0..<e), at: step.previous)
      contextGradient += cellBack.inputGradient.columns(e..<(e + d))
      let attended = attention.backward(
        step.attention, contextGradient: contextGradient, memoryGradient: &memoryGradient)
      gradients.attention.accumulate(attended.gradients)
      next = cellBack.previousStateGradient.addingToHidden(attended.queryGradient)
    }
    let preBridge = next.hidden * cache.initialHidden.map { 1 - $0 * $0 }
    gradients.bridgeWeight = preBridge.matmul(cache.memory.summary, transposeSelf: true)
    gradients.bridgeBias = preBridge.sumRows()
    memoryGradient.summary += preBridge.matmul(bridgeWeight)
    gradients.encoder = encoder.backward(cache.encoder, gradient: memoryGradient)
    return gradients
    // END SOLUTION
  }

  /// The loss of a batch and its gradient with respect to every block.
  public func lossAndGradients(_ batch: Seq2SeqBatch) -> (loss: Double, gradients: Self) {
    let result = forward(batch)
    return (result.loss, backward(result.cache))
  }
}
