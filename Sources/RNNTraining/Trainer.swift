import Foundation
import RNNCore

/// The settings of one training run.
public struct TrainingConfiguration: Codable, Equatable, Sendable {
  /// Number of parameter updates (one per chunk).
  public var steps: Int
  /// Sequences per chunk (batch rows).
  public var batchSize: Int
  /// Time steps per chunk. The hidden state is carried from chunk to chunk as a constant, so
  /// this is also the window of stateful truncated BPTT: no gradient crosses a chunk boundary.
  public var sequenceLength: Int
  /// An optional shorter window `k` inside each chunk: each step's loss is backpropagated
  /// through at most `k` steps. `nil` backpropagates through the whole chunk.
  public var truncation: Int?
  /// Updates between validation passes; 0 validates only at the end.
  public var evaluateEvery: Int
  /// Updates between progress reports; 0 reports only at the end.
  public var logEvery: Int
  /// Validate on at most this many tokens of the validation stream (its beginning); `nil` for
  /// all of it.
  public var maximumValidationTokens: Int?

  /// Creates a configuration.
  public init(
    steps: Int, batchSize: Int, sequenceLength: Int, truncation: Int? = nil,
    evaluateEvery: Int = 0, logEvery: Int = 0, maximumValidationTokens: Int? = nil
  ) {
    self.steps = steps
    self.batchSize = batchSize
    self.sequenceLength = sequenceLength
    self.truncation = truncation
    self.evaluateEvery = evaluateEvery
    self.logEvery = logEvery
    self.maximumValidationTokens = maximumValidationTokens
  }

  /// The problems with these settings, as readable sentences (empty when they are usable).
  public var problems: [String] {
    var out: [String] = []
    if steps < 1 { out.append("the number of steps must be at least 1, got \(steps)") }
    if batchSize < 1 { out.append("the batch size must be at least 1, got \(batchSize)") }
    if sequenceLength < 1 {
      out.append("the sequence length must be at least 1, got \(sequenceLength)")
    }
    if let truncation, truncation < 1 {
      out.append("the truncation window must be at least 1, got \(truncation)")
    }
    if evaluateEvery < 0 || logEvery < 0 {
      out.append("evaluation and logging intervals cannot be negative")
    }
    return out
  }
}

/// A progress report, sent every ``TrainingConfiguration/logEvery`` updates.
public struct TrainingProgress: Equatable, Sendable {
  /// Updates done so far.
  public var step: Int
  /// Total updates planned.
  public var totalSteps: Int
  /// The mean training loss (nats per token) over the updates since the last report.
  public var loss: Double
  /// The largest gradient norm (before any clipping) since the last report.
  public var gradientNorm: Double
  /// Training tokens processed per second of wall-clock time since the last report.
  public var tokensPerSecond: Double

  /// One line for a terminal, such as
  /// `step   200/2000  loss 1.8342  ppl 6.26  |g| 1.93  41,200 tok/s`.
  public var line: String {
    let width = String(totalSteps).count
    let stepText = String(repeating: " ", count: max(0, width - String(step).count)) + "\(step)"
    return "step \(stepText)/\(totalSteps)  loss \(String(format: "%.4f", loss))"
      + "  ppl \(String(format: "%.2f", exp(loss)))"
      + "  |g| \(formatNumber(gradientNorm))"
      + "  \(groupedThousands(Int(tokensPerSecond.rounded()))) tok/s"
  }
}

/// What the trainer reports while it runs.
public enum TrainingEvent: Sendable {
  /// Training loss, gradient norm and speed since the last report.
  case progress(TrainingProgress)
  /// The model's score on the validation stream after `step` updates.
  case validation(step: Int, score: LanguageModelScore)

  /// One line for a terminal.
  public var line: String {
    switch self {
    case .progress(let progress):
      return progress.line
    case .validation(let step, let score):
      return "step \(step)  validation: loss \(String(format: "%.4f", score.meanLoss))"
        + "  perplexity \(String(format: "%.3f", score.perplexity))"
        + "  (\(String(format: "%.3f", score.bitsPerToken)) bits/token"
        + " over \(score.tokens) tokens)"
    }
  }
}

/// What happened during training, step by step.
public struct TrainingHistory: Codable, Equatable, Sendable {
  /// A value recorded after `step` updates.
  public struct Point: Codable, Equatable, Sendable {
    /// Updates done.
    public var step: Int
    /// The value.
    public var value: Double

    /// Creates a point.
    public init(step: Int, value: Double) {
      self.step = step
      self.value = value
    }
  }

  /// The training loss (nats per token) of every update, before the update.
  public var trainingLoss: [Point] = []
  /// The global gradient norm of every update, before any clipping.
  public var gradientNorm: [Point] = []
  /// Validation scores.
  public var validation: [Point] = []
  /// Updates completed.
  public var stepsCompleted = 0
  /// Training tokens processed.
  public var tokensSeen = 0
  /// Wall-clock seconds spent (not counting validation).
  public var seconds = 0.0

  /// Creates an empty history.
  public init() {}

  /// The last validation perplexity, if any.
  public var finalValidationPerplexity: Double? { validation.last.map { exp($0.value) } }
}

/// Training stopped because the loss or the gradient stopped being a finite number.
public struct TrainingDivergedError: Error, CustomStringConvertible, Sendable {
  /// The update at which the non-finite value appeared (1-based).
  public var step: Int
  /// The loss at that step.
  public var loss: Double
  /// The gradient norm at that step (before clipping).
  public var gradientNorm: Double
  /// Everything recorded up to the failing step.
  public var history: TrainingHistory

  public var description: String {
    let what =
      loss.isFinite
      ? "the gradient norm is \(formatNumber(gradientNorm)) (loss \(formatNumber(loss)))"
      : "the loss is \(formatNumber(loss))"
    return "training diverged at step \(step): \(what). Stopped before applying a non-finite "
      + "update; the model keeps the parameters from step \(step - 1). Exploding gradients are "
      + "the usual cause: clip the gradients or lower the learning rate."
  }
}

/// Trains a language model on one token stream with stateful truncated BPTT.
///
/// Each update takes the next chunk from a ``ContiguousBatcher`` (`batchSize` contiguous
/// streams, `sequenceLength` steps), starts from the state the previous chunk ended in (reset
/// at the start of every epoch), computes the loss and its gradient, optionally transforms the
/// gradient in place (clipping), and lets the optimizer update the parameters with exactly
/// that gradient. A non-finite loss or gradient stops training with a
/// ``TrainingDivergedError`` *before* the bad update is applied.
///
/// ```swift
/// var trainer = LanguageModelTrainer<MyModel>(
///   configuration: .init(steps: 500, batchSize: 16, sequenceLength: 20, evaluateEvery: 100))
/// trainer.gradientTransform = { g in clipByGlobalNorm(&g, threshold: 5) }
/// trainer.onEvent = { print($0.line) }
/// let history = try trainer.train(&model, optimizer: &adam, training: ids, validation: heldOut)
/// ```
public struct LanguageModelTrainer<Model: TrainableLanguageModel> {
  /// The settings.
  public var configuration: TrainingConfiguration
  /// Changes the gradients in place before each update (for example gradient clipping) and
  /// returns their global norm *before* the change. `nil` uses the gradients as they are.
  public var gradientTransform: ((inout Model) -> Double)?
  /// Receives progress and validation reports.
  public var onEvent: ((TrainingEvent) -> Void)?

  /// Creates a trainer.
  public init(
    configuration: TrainingConfiguration, gradientTransform: ((inout Model) -> Double)? = nil,
    onEvent: ((TrainingEvent) -> Void)? = nil
  ) {
    self.configuration = configuration
    self.gradientTransform = gradientTransform
    self.onEvent = onEvent
  }

  /// Trains `model` in place and returns what happened.
  ///
  /// - Parameters:
  ///   - model: the model to train; on return (or throw) it holds the last finite parameters.
  ///   - optimizer: the update rule.
  ///   - training: the training stream; needs at least `batchSize * sequenceLength + 1` tokens.
  ///   - validation: the held-out stream (fewer than 2 tokens: no validation).
  /// - Throws: ``TrainingDivergedError`` when the loss or the gradient norm is not finite.
  public func train<O: Optimizer>(
    _ model: inout Model, optimizer: inout O, training: [Int], validation: [Int]
  ) throws -> TrainingHistory {
    let config = configuration
    precondition(config.problems.isEmpty, "TrainingConfiguration: \(config.problems)")
    keepFreedMemoryForReuse()
    let batcher = ContiguousBatcher(
      tokens: training, batchSize: config.batchSize, steps: config.sequenceLength)
    let heldOut = config.maximumValidationTokens.map { Array(validation.prefix($0)) } ?? validation
    var history = TrainingHistory()
    var state = model.initialState(batchSize: config.batchSize)
    var intervalLoss = 0.0
    var intervalSteps = 0
    var intervalNorm = 0.0
    var intervalTokens = 0
    var intervalStart = DispatchTime.now().uptimeNanoseconds

    for step in 1...config.steps {
      let chunk = batcher.chunk(step - 1)
      if chunk.startsStreams { state = model.initialState(batchSize: config.batchSize) }
      let started = DispatchTime.now().uptimeNanoseconds
      let result = model.lossAndGradients(
        chunk, initialState: state, truncation: config.truncation)
      let loss = result.loss
      var gradients = result.gradients
      let norm = gradientTransform?(&gradients) ?? gradients.globalNorm
      history.trainingLoss.append(.init(step: step, value: loss))
      history.gradientNorm.append(.init(step: step, value: norm))
      guard loss.isFinite, norm.isFinite else {
        throw TrainingDivergedError(step: step, loss: loss, gradientNorm: norm, history: history)
      }
      optimizer.step(&model, gradients: gradients)
      state = result.finalState
      history.stepsCompleted = step
      history.tokensSeen += chunk.tokenCount
      history.seconds += Double(DispatchTime.now().uptimeNanoseconds - started) * 1e-9

      intervalLoss += loss
      intervalSteps += 1
      intervalNorm = max(intervalNorm, norm)
      intervalTokens += chunk.tokenCount
      let last = step == config.steps
      if let onEvent, last || (config.logEvery > 0 && step % config.logEvery == 0) {
        let now = DispatchTime.now().uptimeNanoseconds
        let seconds = max(Double(now - intervalStart) * 1e-9, 1e-9)
        onEvent(
          .progress(
            TrainingProgress(
              step: step, totalSteps: config.steps, loss: intervalLoss / Double(intervalSteps),
              gradientNorm: intervalNorm, tokensPerSecond: Double(intervalTokens) / seconds)))
        intervalLoss = 0
        intervalSteps = 0
        intervalNorm = 0
        intervalTokens = 0
        intervalStart = now
      }
      if heldOut.count >= 2,
        last || (config.evaluateEvery > 0 && step % config.evaluateEvery == 0)
      {
        let pause = DispatchTime.now().uptimeNanoseconds
        let score = model.score(heldOut, steps: config.sequenceLength)
        history.validation.append(.init(step: step, value: score.meanLoss))
        onEvent?(.validation(step: step, score: score))
        // Validation time does not count towards the training speed.
        intervalStart += DispatchTime.now().uptimeNanoseconds - pause
      }
    }
    return history
  }
}
