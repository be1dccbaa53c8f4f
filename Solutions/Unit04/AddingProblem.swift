import RNNCore
import RNNTraining

/// The adding problem, a classic test of long-range memory (Hochreiter and Schmidhuber 1997;
/// used by Le, Jaitly and Hinton 2015 to show the IRNN).
///
/// Each sequence has `length` steps of two inputs: a value drawn uniformly from `[0, 1)` and a
/// marker that is 1 at exactly two steps (one in the first half, one in the second) and 0
/// elsewhere. The target, read after the last step, is the sum of the two marked values. A
/// model that ignores the markers can do no better than predicting the mean sum, 1, which
/// costs the variance of the sum of two uniform values: a mean squared error of `1/6`.
public enum AddingProblem {
  /// The mean squared error of always predicting 1.
  public static let baselineMeanSquaredError = 1.0 / 6.0

  /// A batch of `size` sequences of `length ≥ 2` steps.
  ///
  /// - Returns: `inputs`, `length` matrices of shape `size x 2` (column 0 the value, column 1
  ///   the marker), and `targets`, `size x 1`.
  public static func batch(
    size: Int, length: Int, rng: inout RandomSource
  ) -> (inputs: [Matrix], targets: Matrix) {
    precondition(length >= 2, "AddingProblem.batch: length must be at least 2, got \(length)")
    var inputs = [Matrix](repeating: .zeros(size, 2), count: length)
    var targets = Matrix.zeros(size, 1)
    let half = length / 2
    for b in 0..<size {
      let first = rng.int(below: half)
      let second = half + rng.int(below: length - half)
      for t in 0..<length {
        let value = rng.uniform()
        inputs[t][b, 0] = value
        if t == first || t == second {
          inputs[t][b, 1] = 1
          targets[b, 0] += value
        }
      }
    }
    return (inputs, targets)
  }
}

/// A many-to-one model: a recurrent cell reads a whole sequence from the zero state, and a
/// linear readout of its last hidden state predicts one number per sequence (provided; it
/// uses the cell's forward and backward passes, exercises 02.1 and 03.1 for an Elman cell).
///
/// Shapes: inputs are `T` matrices `B x inputSize`; `readoutWeight` is `1 x H`,
/// `readoutBias` `1 x 1`; predictions are `B x 1`, `ŷ = h_T wᵀ + c`. The loss is the mean
/// squared error `(1/B) Σ_b (ŷ_b - y_b)²`. Parameter blocks: the cell's blocks prefixed with
/// `cell.`, then `w_out` and `b_out`.
public struct SequenceRegressor<Cell: BackpropagatingCell>: Parameterized, Sendable {
  /// The recurrent cell.
  public var cell: Cell
  /// `w`, `1 x H`.
  public var readoutWeight: Matrix
  /// `c`, `1 x 1`.
  public var readoutBias: Matrix

  /// Creates a regressor with a zero readout.
  public init(cell: Cell) {
    self.cell = cell
    self.readoutWeight = .zeros(1, cell.hiddenSize)
    self.readoutBias = .zeros(1, 1)
  }

  public mutating func visitParameters(_ body: (String, inout Matrix) throws -> Void) rethrows {
    try cell.visitParameters { name, block in try body("cell." + name, &block) }
    try body("w_out", &readoutWeight)
    try body("b_out", &readoutBias)
  }

  /// The predictions for a batch (`B x 1`).
  public func predict(_ inputs: [Matrix]) -> Matrix {
    var state = Cell.State.zeros(batchSize: inputs.first?.rows ?? 0, hiddenSize: cell.hiddenSize)
    for x in inputs { state = cell.forward(x, state: state).state }
    return state.hidden.matmul(readoutWeight, transposeOther: true).adding(rowVector: readoutBias)
  }

  /// The mean squared error of the predictions against `targets` (`B x 1`).
  public func meanSquaredError(_ inputs: [Matrix], targets: Matrix) -> Double {
    let error = predict(inputs) - targets
    return error.squaredNorm() / Double(max(targets.rows, 1))
  }

  /// The loss and its gradient, by backpropagation through all `T` steps.
  public func lossAndGradients(
    _ inputs: [Matrix], targets: Matrix
  ) -> (loss: Double, gradients: SequenceRegressor) {
    let batch = targets.rows
    var state = Cell.State.zeros(batchSize: batch, hiddenSize: cell.hiddenSize)
    var caches: [Cell.StepCache] = []
    for x in inputs {
      let step = cell.forward(x, state: state)
      state = step.state
      caches.append(step.cache)
    }
    let hidden = state.hidden
    let error =
      hidden.matmul(readoutWeight, transposeOther: true).adding(rowVector: readoutBias) - targets
    let loss = error.squaredNorm() / Double(batch)
    let dPrediction = error * (2 / Double(batch))
    var gradients = zerosLike()
    gradients.readoutWeight = dPrediction.matmul(hidden, transposeSelf: true)
    gradients.readoutBias = dPrediction.sumRows()
    var dState = Cell.State.zeros(batchSize: batch, hiddenSize: cell.hiddenSize)
      .addingToHidden(dPrediction.matmul(readoutWeight))
    for cache in caches.reversed() {
      let step = cell.backward(cache, stateGradient: dState)
      gradients.cell.accumulate(step.gradients)
      dState = step.previousStateGradient
    }
    return (loss, gradients)
  }
}

/// Trains a ``SequenceRegressor`` on the adding problem (provided; with an Elman cell it uses
/// exercises 02.1, 03.1 and 04.1).
public enum AddingExperiment {
  /// The settings of one run.
  public struct Settings: Equatable, Sendable {
    /// Steps per sequence, `T`.
    public var length = 40
    /// Parameter updates.
    public var updates = 600
    /// Sequences per update.
    public var batchSize = 32
    /// Adam's learning rate.
    public var learningRate = 0.003
    /// The global-norm clipping threshold; `nil` for no clipping.
    public var clipNorm: Double? = 1
    /// Updates between evaluations on the held-out batch.
    public var evaluateEvery = 50
    /// Held-out sequences.
    public var testSize = 500
    /// Seeds the training and held-out data (not the weights).
    public var dataSeed: UInt64 = 99

    /// The defaults: `T = 40`, 600 Adam updates of 32 sequences, learning rate 0.003, global
    /// norm clipped at 1, evaluation every 50 updates on 500 held-out sequences.
    public init() {}
  }

  /// Trains `cell` plus a zero-initialized readout.
  ///
  /// - Returns: the held-out mean squared error after every `evaluateEvery` updates (and at
  ///   update 0, before training), or up to the update where the loss stopped being finite.
  public static func run<Cell: BackpropagatingCell>(
    _ cell: Cell, settings: Settings = Settings()
  ) -> [(update: Int, meanSquaredError: Double)] {
    var model = SequenceRegressor(cell: cell)
    var data = RandomSource(seed: settings.dataSeed)
    let test = AddingProblem.batch(size: settings.testSize, length: settings.length, rng: &data)
    var adam = Adam(learningRate: settings.learningRate)
    var curve = [(0, model.meanSquaredError(test.inputs, targets: test.targets))]
    for update in 1...max(settings.updates, 1) {
      let batch = AddingProblem.batch(
        size: settings.batchSize, length: settings.length, rng: &data)
      let result = model.lossAndGradients(batch.inputs, targets: batch.targets)
      var gradients = result.gradients
      if let threshold = settings.clipNorm {
        GradientClipping.clipByGlobalNorm(&gradients, threshold: threshold)
      }
      guard result.loss.isFinite, gradients.globalNorm.isFinite else { break }
      adam.step(&model, gradients: gradients)
      if update % settings.evaluateEvery == 0 || update == settings.updates {
        curve.append((update, model.meanSquaredError(test.inputs, targets: test.targets)))
      }
    }
    return curve
  }
}
