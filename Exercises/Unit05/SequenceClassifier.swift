import Foundation
import RNNCore
import RNNTraining

/// A many-to-one model: reads a whole token sequence with a recurrent cell and classifies it
/// from the last hidden state (provided; it uses your cell's forward and backward steps).
///
///     x_t = W_e[w_t]                 (row w_t of the embedding matrix W_e)
///     state_t = cell(x_t, state_{t-1}),  state_0 = 0
///     s = h_T W_oᵀ + b_o             (class scores from the hidden part of the last state)
///
/// Shapes (`V` tokens, `E` embedding size, `H` hidden size, `C` classes, `B` sequences):
/// - `embedding` (`W_e`): `V x E`;
/// - `outputWeight` (`W_o`): `C x H`;
/// - `outputBias` (`b_o`): `1 x C`;
/// - the scores `s`: `B x C`.
///
/// Parameter blocks, in visiting order: `embedding`, the cell's blocks prefixed with `cell.`,
/// `W_o`, `b_o`. The loss is the mean cross-entropy of the scores over the batch.
public struct SequenceClassifier<Cell: RecurrentCell>: Parameterized, Sendable {
  /// `W_e`, `V x E`.
  public var embedding: Matrix
  /// The recurrent cell (input size `E`, hidden size `H`).
  public var cell: Cell
  /// `W_o`, `C x H`.
  public var outputWeight: Matrix
  /// `b_o`, `1 x C`.
  public var outputBias: Matrix

  /// Creates a classifier from explicit parameters; the shapes must fit together.
  public init(embedding: Matrix, cell: Cell, outputWeight: Matrix, outputBias: Matrix) {
    shapePrecondition(
      embedding.cols == cell.inputSize && outputWeight.cols == cell.hiddenSize
        && outputBias.rows == 1 && outputBias.cols == outputWeight.rows,
      "SequenceClassifier: embedding \(embedding.shapeDescription), cell \(cell.inputSize) -> "
        + "\(cell.hiddenSize), W_o \(outputWeight.shapeDescription) and b_o "
        + "\(outputBias.shapeDescription) do not fit (expected VxE, E -> H, CxH and 1xC)")
    self.embedding = embedding
    self.cell = cell
    self.outputWeight = outputWeight
    self.outputBias = outputBias
  }

  /// Creates a classifier around `cell` with Gaussian embeddings (standard deviation 1, so
  /// each token starts as a clearly different input), a Xavier-uniform `W_o` and `b_o = 0`.
  public init(vocabularySize: Int, classes: Int, cell: Cell, rng: inout RandomSource) {
    self.init(
      embedding: .gaussian(vocabularySize, cell.inputSize, rng: &rng), cell: cell,
      outputWeight: .xavierUniform(classes, cell.hiddenSize, rng: &rng),
      outputBias: .zeros(1, classes))
  }

  public mutating func visitParameters(_ body: (String, inout Matrix) throws -> Void) rethrows {
    try body("embedding", &embedding)
    try cell.visitParameters { name, block in try body("cell." + name, &block) }
    try body("W_o", &outputWeight)
    try body("b_o", &outputBias)
  }

  /// Runs the cell over `inputs` (`B` sequences of equal length `T ≥ 1`) from the zero state.
  ///
  /// - Returns: the scores (`B x C`), the `T` states and the `T` step caches.
  public func forward(
    _ inputs: [[Int]]
  ) -> (scores: Matrix, states: [Cell.State], caches: [Cell.StepCache]) {
    let steps = inputs.first?.count ?? 0
    shapePrecondition(
      steps > 0 && inputs.allSatisfy { $0.count == steps },
      "SequenceClassifier.forward: need sequences of one length ≥ 1, got \(inputs.map(\.count))")
    var state = Cell.State.zeros(batchSize: inputs.count, hiddenSize: cell.hiddenSize)
    var states: [Cell.State] = []
    var caches: [Cell.StepCache] = []
    for t in 0..<steps {
      let step = cell.forward(embedding.gatherRows(inputs.map { $0[t] }), state: state)
      state = step.state
      states.append(state)
      caches.append(step.cache)
    }
    let scores = state.hidden.matmul(outputWeight, transposeOther: true)
      .adding(rowVector: outputBias)
    return (scores, states, caches)
  }

  /// The most likely class of each sequence.
  public func predict(_ inputs: [[Int]]) -> [Int] { forward(inputs).scores.argmaxPerRow() }

  /// The fraction of `inputs` whose predicted class is the target.
  public func accuracy(_ inputs: [[Int]], targets: [Int]) -> Double {
    let predictions = predict(inputs)
    let correct = zip(predictions, targets).filter { $0 == $1 }.count
    return Double(correct) / Double(max(targets.count, 1))
  }
}

extension SequenceClassifier where Cell: BackpropagatingCell {
  /// The mean cross-entropy on a batch and its gradient with respect to every block, by
  /// backpropagation through all `T` steps: the scores' gradient enters at the last hidden
  /// state only, and the cell's backward step carries it to the first.
  public func lossAndGradients(
    _ inputs: [[Int]], targets: [Int]
  ) -> (loss: Double, gradients: SequenceClassifier) {
    let pass = forward(inputs)
    let (loss, dScores) = CrossEntropy.lossAndGradient(logits: pass.scores, targets: targets)
    guard let last = pass.states.last else { return (loss, zerosLike()) }
    var gradients = zerosLike()
    gradients.outputWeight = dScores.matmul(last.hidden, transposeSelf: true)
    gradients.outputBias = dScores.sumRows()
    var dState = Cell.State.zeros(batchSize: inputs.count, hiddenSize: cell.hiddenSize)
      .addingToHidden(dScores.matmul(outputWeight))
    for t in stride(from: pass.caches.count - 1, through: 0, by: -1) {
      let step = cell.backward(pass.caches[t], stateGradient: dState)
      gradients.cell.accumulate(step.gradients)
      gradients.embedding.scatterAddRows(step.inputGradient, at: inputs.map { $0[t] })
      dState = step.previousStateGradient
    }
    return (loss, gradients)
  }
}

/// How one cell fares on the first-mention task: train a ``SequenceClassifier`` on freshly
/// drawn batches, then measure accuracy on held-out sequences drawn with another seed
/// (provided; it uses your cell's forward and backward steps).
public enum LongRangeExperiment {
  /// The training settings.
  public struct Settings: Equatable, Sendable {
    /// Parameter updates, one fresh batch each.
    public var steps: Int
    /// Sequences per batch.
    public var batchSize: Int
    /// Adam's learning rate.
    public var learningRate: Double
    /// Held-out sequences for the accuracy.
    public var evaluationSequences: Int
    /// The seed of the training batches (the weights have their own).
    public var seed: UInt64

    /// Creates settings; the defaults take a few seconds for one cell at lag 40.
    public init(
      steps: Int = 300, batchSize: Int = 32, learningRate: Double = 0.01,
      evaluationSequences: Int = 500, seed: UInt64 = 1
    ) {
      self.steps = steps
      self.batchSize = batchSize
      self.learningRate = learningRate
      self.evaluationSequences = evaluationSequences
      self.seed = seed
    }
  }

  /// What a run produced.
  public struct Result<Cell: RecurrentCell>: Sendable {
    /// The trained model.
    public var model: SequenceClassifier<Cell>
    /// The training loss of every update (nats).
    public var losses: [Double]
    /// The accuracy on the held-out sequences.
    public var accuracy: Double
  }

  /// Trains `model` on `task` with Adam (no gradient clipping: on this task the gated cells do
  /// not need it, and the Elman network's problem is gradients that vanish, not explode) and
  /// reports its held-out accuracy.
  public static func run<Cell: BackpropagatingCell>(
    _ model: SequenceClassifier<Cell>, task: FirstMentionTask, settings: Settings = Settings()
  ) -> Result<Cell> {
    var model = model
    var optimizer = Adam(learningRate: settings.learningRate)
    var rng = RandomSource(seed: settings.seed)
    var losses: [Double] = []
    for _ in 0..<settings.steps {
      let batch = task.sample(batchSize: settings.batchSize, rng: &rng)
      let (loss, gradients) = model.lossAndGradients(batch.inputs, targets: batch.targets)
      // A non-finite loss or gradient would spoil every parameter: stop before applying it.
      guard loss.isFinite && gradients.globalNorm.isFinite else { break }
      optimizer.step(&model, gradients: gradients)
      losses.append(loss)
    }
    var heldOutRandom = RandomSource(seed: settings.seed &+ 0x5EED)
    let heldOut = task.sample(batchSize: settings.evaluationSequences, rng: &heldOutRandom)
    return Result(
      model: model, losses: losses,
      accuracy: model.accuracy(heldOut.inputs, targets: heldOut.targets))
  }
}
