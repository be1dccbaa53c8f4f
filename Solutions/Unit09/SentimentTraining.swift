import Foundation
import RNNCore
import RNNTraining
import Unit07

/// Sentences as word ids with their classes: what the classifiers train and test on.
public struct EncodedSentences: Sendable {
  /// Word ids, one list per sentence.
  public var sentences: [[Int]]
  /// One class per sentence.
  public var labels: [Int]

  public init(sentences: [[Int]], labels: [Int]) {
    precondition(
      sentences.count == labels.count,
      "EncodedSentences: \(sentences.count) sentences and \(labels.count) labels")
    self.sentences = sentences
    self.labels = labels
  }

  /// The number of sentences.
  public var count: Int { sentences.count }
}

/// How ``SentenceClassifier/train(on:validation:options:progress:)`` trains.
public struct SentimentTrainingOptions: Equatable, Sendable {
  /// The most passes over the training sentences.
  public var epochs = 10
  /// Sentences per update.
  public var batchSize = 32
  /// Adam's step size.
  public var learningRate = 0.005
  /// Adam's L2 weight decay on every block but the biases (0 for none).
  public var weightDecay = 0.0
  /// The probability of dropping each pooled feature in training (0 for no dropout).
  public var dropout = 0.0
  /// The threshold of gradient clipping by global norm (`nil` for no clipping).
  public var clipNorm: Double? = 5
  /// Stop after this many epochs in a row without a better validation accuracy.
  public var patience = 3
  /// Seeds the shuffling and the dropout masks.
  public var seed: UInt64 = 1

  public init() {}
}

/// What happened in one epoch of training.
public struct SentimentEpoch: Equatable, Sendable {
  /// 1-based.
  public var epoch: Int
  /// The mean training loss over the epoch's batches (nats per sentence, each batch weighted
  /// by its number of sentences).
  public var trainingLoss: Double
  /// The accuracy on the validation sentences after the epoch.
  public var validationAccuracy: Double
  /// The global norm of every batch's gradient before clipping, in order.
  public var gradientNorms: [Double]

  public init(
    epoch: Int, trainingLoss: Double, validationAccuracy: Double, gradientNorms: [Double]
  ) {
    self.epoch = epoch
    self.trainingLoss = trainingLoss
    self.validationAccuracy = validationAccuracy
    self.gradientNorms = gradientNorms
  }
}

/// The record of a training run.
public struct SentimentHistory: Equatable, Sendable {
  /// Every epoch that ran, in order.
  public var epochs: [SentimentEpoch]
  /// The epoch whose model was kept (the best validation accuracy, the earliest on a tie; 0 if
  /// no epoch ran).
  public var bestEpoch: Int

  public init(epochs: [SentimentEpoch], bestEpoch: Int) {
    self.epochs = epochs
    self.bestEpoch = bestEpoch
  }

  /// The validation accuracy of the kept model (0 if no epoch ran).
  public var bestValidationAccuracy: Double {
    epochs.first { $0.epoch == bestEpoch }?.validationAccuracy ?? 0
  }
}

/// Sentence indices in batches of at most `size`: a fresh shuffle of `0..<count` cut in order.
public func shuffledBatches(count: Int, size: Int, rng: inout RandomSource) -> [[Int]] {
  precondition(size >= 1, "shuffledBatches: the batch size must be at least 1, got \(size)")
  let order = rng.permutation(count)
  return stride(from: 0, to: count, by: size).map { Array(order[$0..<min($0 + size, count)]) }
}

extension SentenceClassifier {
  /// Trains with Adam, gradient clipping and early stopping, and keeps the best model.
  ///
  /// Each epoch draws ``shuffledBatches(count:size:rng:)`` with one generator seeded from
  /// `options.seed` (the same generator then draws the dropout masks, one per batch, after
  /// the epoch's batches). For every batch: the loss and gradients (with a dropout mask when
  /// `options.dropout > 0`), the gradient's global norm recorded, the gradient scaled by
  /// `clipNorm / norm` when the norm is above `clipNorm`, one Adam step (`learningRate`,
  /// `weightDecay`). After every epoch: the validation accuracy. The model that scored best on
  /// validation (the earliest epoch on a tie) is the one training ends with, and training
  /// stops early once `patience` epochs in a row have not beaten it.
  ///
  /// - Parameters:
  ///   - training: the sentences to learn from.
  ///   - validation: the sentences that pick the epoch.
  ///   - progress: called after each epoch with its record; return `false` to stop.
  /// - Returns: every epoch's record and the epoch that was kept.
  @discardableResult
  public mutating func train(
    on training: EncodedSentences, validation: EncodedSentences,
    options: SentimentTrainingOptions,
    progress: (SentimentEpoch) -> Bool = { _ in true }
  ) -> SentimentHistory {
    precondition(options.batchSize >= 1, "train: the batch size must be at least 1")
    precondition(options.epochs >= 0, "train: the number of epochs must not be negative")
    // BEGIN SOLUTION 09.8 SentenceClassifier.train(on:validation:options:progress:) | Lectures/09-sentiment-homework.md §7
    var rng = RandomSource(seed: options.seed)
    var optimizer = Adam(learningRate: options.learningRate, weightDecay: options.weightDecay)
    var best = self
    var history = SentimentHistory(epochs: [], bestEpoch: 0)
    var bestAccuracy = -1.0
    var sinceBest = 0
    for epoch in stride(from: 1, through: options.epochs, by: 1) {
      let batches = shuffledBatches(
        count: training.count, size: options.batchSize, rng: &rng)
      var lossSum = 0.0
      var norms: [Double] = []
      for indices in batches {
        let sentences = indices.map { training.sentences[$0] }
        let labels = indices.map { training.labels[$0] }
        let mask =
          options.dropout > 0
          ? dropoutMask(
            rows: indices.count, cols: featureCount, rate: options.dropout, rng: &rng)
          : nil
        var (loss, gradients) = lossAndGradients(sentences, labels: labels, dropoutMask: mask)
        let norm = gradients.globalNorm
        norms.append(norm)
        if let threshold = options.clipNorm, norm > threshold {
          let scale = threshold / norm
          gradients.visitParameters { _, m in m.scale(by: scale) }
        }
        optimizer.step(&self, gradients: gradients)
        lossSum += loss * Double(indices.count)
      }
      let accuracy = self.accuracy(validation.sentences, labels: validation.labels)
      let record = SentimentEpoch(
        epoch: epoch, trainingLoss: lossSum / Double(max(1, training.count)),
        validationAccuracy: accuracy, gradientNorms: norms)
      history.epochs.append(record)
      if accuracy > bestAccuracy {
        bestAccuracy = accuracy
        best = self
        history.bestEpoch = epoch
        sinceBest = 0
      } else {
        sinceBest += 1
      }
      if !progress(record) || sinceBest >= options.patience { break }
    }
    self = best
    return history
    // END SOLUTION
  }
}
