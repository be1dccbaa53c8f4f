import CourseTestSupport
import Foundation
import RNNCore
import XCTest

import struct Unit09.EncodedSentences
import struct Unit09.SentimentEpoch
import struct Unit09.SentimentHistory
import struct Unit09.SentimentTrainingOptions
import func Unit09.dropoutMask
import func Unit09.shuffledBatches

/// Exercise 09.8: `SentenceClassifier.train(on:validation:options:progress:)`. Every run is
/// compared with a test-local loop written from the contract that calls the same
/// `lossAndGradients`, so only the loop itself is under test: the order of the random draws,
/// clipping, Adam with weight decay, the validation after each epoch, keeping the best model
/// and stopping early.
final class SentimentTrainingTests: XCTestCase {
  let hint = Unit09Fixtures.hint("09.8", "SentenceClassifier.train", section: 7)
  typealias F = Unit09ModelFixtures

  /// The contract, step by step.
  static func referenceTrain(
    _ start: F.Model, training: EncodedSentences, validation: EncodedSentences,
    options: SentimentTrainingOptions, stopAfter: Int? = nil
  ) -> (model: F.Model, history: SentimentHistory) {
    var model = start
    var rng = RandomSource(seed: options.seed)
    var adam = Adam(learningRate: options.learningRate, weightDecay: options.weightDecay)
    var best = model
    var bestAccuracy = -1.0
    var bestEpoch = 0
    var waited = 0
    var epochs: [SentimentEpoch] = []
    var epoch = 0
    while epoch < options.epochs {
      epoch += 1
      let batches = shuffledBatches(count: training.count, size: options.batchSize, rng: &rng)
      var total = 0.0
      var norms: [Double] = []
      for batch in batches {
        let mask: Matrix? =
          options.dropout > 0
          ? dropoutMask(
            rows: batch.count, cols: model.featureCount, rate: options.dropout, rng: &rng)
          : nil
        var step = model.lossAndGradients(
          batch.map { training.sentences[$0] }, labels: batch.map { training.labels[$0] },
          dropoutMask: mask)
        let norm = step.gradients.globalNorm
        norms.append(norm)
        if let c = options.clipNorm, norm > c {
          step.gradients.visitParameters { _, m in m = m * (c / norm) }
        }
        adam.step(&model, gradients: step.gradients)
        total += step.loss * Double(batch.count)
      }
      let predictions = model.predict(validation.sentences)
      let correct = zip(predictions, validation.labels).filter { $0 == $1 }.count
      let accuracy = Double(correct) / Double(validation.count)
      epochs.append(
        SentimentEpoch(
          epoch: epoch, trainingLoss: total / Double(training.count),
          validationAccuracy: accuracy, gradientNorms: norms))
      if accuracy > bestAccuracy {
        bestAccuracy = accuracy
        best = model
        bestEpoch = epoch
        waited = 0
      } else {
        waited += 1
      }
      if waited >= options.patience || epoch == stopAfter { break }
    }
    return (best, SentimentHistory(epochs: epochs, bestEpoch: bestEpoch))
  }

  static func options(
    epochs: Int, batch: Int, rate: Double, clip: Double?, dropout: Double, decay: Double,
    patience: Int, seed: UInt64
  ) -> SentimentTrainingOptions {
    var options = SentimentTrainingOptions()
    options.epochs = epochs
    options.batchSize = batch
    options.learningRate = rate
    options.clipNorm = clip
    options.dropout = dropout
    options.weightDecay = decay
    options.patience = patience
    options.seed = seed
    return options
  }

  func compare(
    _ label: String, options: SentimentTrainingOptions, seed: UInt64, stopAfter: Int? = nil
  ) {
    let training = F.orderTask(count: 45, seed: seed)
    let validation = F.orderTask(count: 16, seed: seed + 1)
    let start = F.trainableModel(seed: seed + 2, pooling: .last)
    let expected = Self.referenceTrain(
      start, training: training, validation: validation, options: options,
      stopAfter: stopAfter)
    var model = start
    var seen = 0
    let history = model.train(on: training, validation: validation, options: options) { _ in
      seen += 1
      return stopAfter.map { seen < $0 } ?? true
    }
    assertEqual(
      history.epochs.count, expected.history.epochs.count,
      "\(label): epochs that ran (stop once `patience` epochs in a row have not beaten the "
        + "best validation accuracy, or when progress returns false)")
    assertEqual(
      history.bestEpoch, expected.history.bestEpoch,
      "\(label): the epoch kept (the best validation accuracy, the earliest on a tie)")
    for (mine, theirs) in zip(history.epochs, expected.history.epochs) {
      assertClose(
        Matrix(row: mine.gradientNorms), Matrix(row: theirs.gradientNorms), tolerance: 1e-9,
        "\(label): gradient norms before clipping, epoch \(theirs.epoch)",
        hint: "Draw the epoch's batches with shuffledBatches and one generator seeded from "
          + "options.seed, a dropout mask per batch from the same generator, and record the "
          + "norm before clipping. " + hint)
      assertClose(
        mine.trainingLoss, theirs.trainingLoss, tolerance: 1e-9,
        "\(label): training loss of epoch \(theirs.epoch)",
        hint: "The mean over the epoch's sentences (each batch's loss times its size). " + hint)
      assertClose(
        mine.validationAccuracy, theirs.validationAccuracy, tolerance: 1e-12,
        "\(label): validation accuracy of epoch \(theirs.epoch)", hint: hint)
    }
    for ((name, got), (_, want)) in zip(
      model.namedParameters, expected.model.namedParameters)
    {
      assertClose(
        got, want, tolerance: 1e-9, "\(label): \(name) after training",
        hint: "Scale the gradient by clipNorm / norm when the norm is above clipNorm, one Adam "
          + "step (learningRate, weightDecay) per batch, and end with the best model. " + hint)
    }
  }

  func testClippingDropoutAndWeightDecayFollowTheContract() throws {
    try exercise {
      self.compare(
        "clip 0.3, dropout 0.25, decay 0.001",
        options: Self.options(
          epochs: 5, batch: 7, rate: 0.05, clip: 0.3, dropout: 0.25, decay: 0.001,
          patience: 10, seed: 5),
        seed: 990)
    }
  }

  func testWithoutClippingOrDropout() throws {
    try exercise {
      self.compare(
        "no clipping, no dropout",
        options: Self.options(
          epochs: 4, batch: 8, rate: 0.03, clip: nil, dropout: 0, decay: 0, patience: 10,
          seed: 6),
        seed: 993)
    }
  }

  /// A large step makes validation accuracy stall and fall back, so the best epoch is not the
  /// last and patience ends training early.
  func testEarlyStoppingKeepsTheBestEpoch() throws {
    try exercise {
      for patience in [1, 2] {
        self.compare(
          "patience \(patience)",
          options: Self.options(
            epochs: 12, batch: 5, rate: 0.3, clip: 1, dropout: 0, decay: 0,
            patience: patience, seed: 7),
          seed: 996)
      }
    }
  }

  func testProgressCanStopTraining() throws {
    try exercise {
      self.compare(
        "progress returns false after epoch 2",
        options: Self.options(
          epochs: 6, batch: 9, rate: 0.05, clip: 2, dropout: 0.1, decay: 0, patience: 10,
          seed: 8),
        seed: 999, stopAfter: 2)
    }
  }
}
