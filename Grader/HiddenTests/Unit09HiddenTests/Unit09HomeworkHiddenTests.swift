import CourseTestSupport
import Foundation
import RNNCore
import XCTest

import enum RNNData.SyntheticSentiment
import struct RNNData.WordVectors
import struct Unit07.BidirectionalLayer
import struct Unit07.StackedLayers
import struct Unit09.ClassifierHead
import struct Unit09.EncodedSentences
import enum Unit09.HomeworkBudget
import enum Unit09.Pooling
import struct Unit09.SentimentClassifier
import enum Unit09.SentimentHomework
import struct Unit09.SentimentTrainingOptions
import func Unit09.homeworkConfiguration
import func Unit09.pretrainedEmbedding

/// The homework's grade: the student's configuration trained as in the public test, scored on
/// hidden sentences drawn with the grading seed from the part of the sentence space the
/// handout's splits never touch. Each band is its own test (its own points); the bag of words
/// scores about 0.76 overall and chance on `negated` and `contrast`.
final class HomeworkHiddenTaskTests: XCTestCase {
  /// Trains the student's configuration (within the budget) and scores it on 800 hidden
  /// sentences.
  func hiddenResult() -> SentimentHomework.Result? {
    let configuration = homeworkConfiguration()
    let words = SentimentHomework.vocabulary(SentimentHomework.data().train).count
    let fits = HomeworkBudget.violations(of: configuration, vocabularySize: words).isEmpty
    assertTrue(fits, "the configuration fits HomeworkBudget")
    guard fits else { return nil }
    let hidden = SentimentHomework.data(hidden: 800, hiddenSeed: gradingSeed(9901)).hidden
    return SentimentHomework.run(configuration, evaluation: hidden)
  }

  func band(_ bound: Double) throws {
    try exercise {
      guard let result = self.hiddenResult() else { return }
      assertGreaterOrEqual(result.accuracy, bound, "hidden accuracy of the homework model")
    }
  }

  func testHiddenAccuracyAtLeast080() throws { try band(0.80) }
  func testHiddenAccuracyAtLeast090() throws { try band(0.90) }
  func testHiddenAccuracyAtLeast097() throws { try band(0.97) }

  func testHiddenNegatedAndContrastAtLeast090() throws {
    try exercise {
      guard let result = self.hiddenResult() else { return }
      for kind in [SyntheticSentiment.Kind.negated, .contrast] {
        assertGreaterOrEqual(
          result.accuracyByKind[kind] ?? 0, 0.90, "hidden accuracy on \(kind) sentences")
      }
    }
  }
}

/// Hidden tests of exercises 09.7-09.9 on shapes and data drawn from the grading seed.
final class Unit09ModelHiddenTests: XCTestCase {
  typealias Stack = StackedLayers<BidirectionalLayer<TanhCell, TanhCell>>

  /// 09.7 over a real two-layer bidirectional stack: the loss against a composition written
  /// here (the stack's outputs, then the readout and the head from their contracts), and
  /// every block against centered differences.
  func testWholeClassifierOverABidirectionalStack() throws {
    try exercise {
      var rng = RandomSource(seed: gradingSeed(9907))
      let vocabulary = 5 + rng.int(below: 5)
      let e = 2 + rng.int(below: 3)
      let h = 2 + rng.int(below: 2)
      let classes = 2 + rng.int(below: 2)
      let batch = 3 + rng.int(below: 3)
      var sentences = (0..<batch).map { _ in
        (0..<(1 + rng.int(below: 5))).map { _ in rng.int(below: vocabulary) }
      }
      sentences[1] = []
      let labels = (0..<batch).map { _ in rng.int(below: classes) }
      let stack = Stack(
        (0..<2).map { l in
          BidirectionalLayer(
            forward: TanhCell(inputSize: l == 0 ? e : 2 * h, hiddenSize: h, rng: &rng),
            backward: TanhCell(inputSize: l == 0 ? e : 2 * h, hiddenSize: h, rng: &rng))
        })
      for pooling in Pooling.allCases {
        let model = SentimentClassifier(
          embedding: .gaussian(vocabulary, e, std: 0.8, rng: &rng), encoder: stack,
          head: ClassifierHead(
            weight: .gaussian(classes, 2 * h, std: 0.8, rng: &rng),
            bias: .gaussian(1, classes, std: 0.3, rng: &rng)),
          pooling: pooling, forwardWidth: h)
        let mask = Matrix(rows: batch, cols: 2 * h) { _, _ in rng.uniform() < 0.3 ? 0 : 1 / 0.7 }
        func loss(_ m: SentimentClassifier<Stack>) -> Double {
          let lengths = sentences.map(\.count)
          let steps = lengths.max() ?? 0
          let inputs = (0..<steps).map { t in
            m.embedding.gatherRows(sentences.map { t < $0.count ? $0[t] : 0 })
          }
          let outputs = m.encoder.forward(sequence: inputs, lengths: lengths).outputs
          var total = 0.0
          for b in 0..<batch {
            let rows = (0..<lengths[b]).map { outputs[$0].row(b) }
            let f = (0..<(2 * h)).map { j -> Double in
              guard let first = rows.first, let final = rows.last else { return 0 }
              let column = rows.map { $0[j] }
              switch pooling {
              case .last: return (j < h ? final[j] : first[j]) * mask[b, j]
              case .mean: return column.reduce(0, +) / Double(rows.count) * mask[b, j]
              case .max: return (column.max() ?? 0) * mask[b, j]
              }
            }
            let z = (0..<classes).map { c in
              m.head.bias[0, c] + (0..<(2 * h)).reduce(0) { $0 + m.head.weight[c, $1] * f[$1] }
            }
            let top = z.max() ?? 0
            total += top + log(z.reduce(0) { $0 + exp($1 - top) }) - z[labels[b]]
          }
          return total / Double(batch)
        }
        let result = model.lossAndGradients(sentences, labels: labels, dropoutMask: mask)
        assertClose(result.loss, loss(model), tolerance: 1e-12, "09.7 loss, \(pooling) pooling")
        assertGradientsMatch(
          GradientCheck.check(parameters: model, analytic: result.gradients, loss: loss),
          tolerance: 1e-6, hint: "09.7 \(pooling) pooling over a bidirectional stack")
      }
    }
  }

  /// 09.8's promises that do not depend on the exact numbers: the kept model is the best
  /// validation epoch (the earliest on a tie), training stops exactly when patience runs out,
  /// one gradient norm per batch, and the model returned scores that best accuracy.
  func testTrainingKeepsTheBestEpochAndStopsOnPatience() throws {
    try exercise {
      var rng = RandomSource(seed: gradingSeed(9908))
      func task(_ count: Int) -> EncodedSentences {
        var sentences: [[Int]] = []
        var labels: [Int] = []
        for _ in 0..<count {
          let words = (0..<(2 + rng.int(below: 4))).map { _ in rng.int(below: 6) }
          sentences.append(words)
          labels.append(words.contains(1) != words.contains(2) ? 1 : 0)
        }
        return EncodedSentences(sentences: sentences, labels: labels)
      }
      let training = task(40)
      let validation = task(15)
      var options = SentimentTrainingOptions()
      options.epochs = 8
      options.batchSize = 4 + rng.int(below: 6)
      options.learningRate = 0.2
      options.clipNorm = 0.5 + rng.uniform()
      options.patience = 1 + rng.int(below: 2)
      options.seed = rng.next()
      var model = SentimentClassifier(
        embedding: .gaussian(6, 3, std: 0.5, rng: &rng),
        encoder: Stack([
          BidirectionalLayer(
            forward: TanhCell(inputSize: 3, hiddenSize: 2, rng: &rng),
            backward: TanhCell(inputSize: 3, hiddenSize: 2, rng: &rng))
        ]),
        head: ClassifierHead(inputSize: 4, classCount: 2, rng: &rng), pooling: .mean,
        forwardWidth: 2)
      let history = model.train(on: training, validation: validation, options: options)
      let accuracies = history.epochs.map(\.validationAccuracy)
      let best = accuracies.max() ?? 0
      let first = (accuracies.firstIndex(of: best) ?? -1) + 1
      assertEqual(history.bestEpoch, first, "09.8 the epoch kept (the earliest best)")
      let ran = history.epochs.count
      let stoppedEarly = ran < options.epochs
      assertEqual(
        stoppedEarly ? ran - first : 0, stoppedEarly ? options.patience : 0,
        "09.8 epochs after the best one when training stopped early (the patience)")
      let batches = (training.count + options.batchSize - 1) / options.batchSize
      assertEqual(
        history.epochs.map(\.gradientNorms.count), Array(repeating: batches, count: ran),
        "09.8 gradient norms per epoch (one per batch)")
      assertClose(
        model.accuracy(validation.sentences, labels: validation.labels), best,
        tolerance: 1e-12, "09.8 validation accuracy of the model training ends with")
    }
  }

  /// 09.9 on a vocabulary and vectors drawn from the grading seed.
  func testPretrainedEmbeddingOnNewWords() throws {
    try exercise {
      var rng = RandomSource(seed: gradingSeed(9909))
      let dimension = 2 + rng.int(below: 4)
      let known = (0..<6).map { "w\($0)" }
      let vectors = WordVectors(
        dimension: dimension, words: known,
        vectors: known.map { _ in (0..<dimension).map { _ in 2 * rng.gaussian() } })
      let vocabulary =
        ["<unk>"]
        + (0..<8).map { i -> String in
          let word = "w\(rng.int(below: 9))"
          return i % 3 == 0 ? word.uppercased() : word
        }
      let seed = rng.next()
      var draws = RandomSource(seed: seed)
      let result = pretrainedEmbedding(
        vocabulary: vocabulary, vectors: vectors, fallbackStd: 0.1, rng: &draws)
      let found = vocabulary.map { vectors.vector(for: $0) ?? vectors.vector(for: $0.lowercased()) }
      let numbers = found.compactMap { $0 }.flatMap { $0 }
      let mean = numbers.reduce(0, +) / Double(max(numbers.count, 1))
      let std =
        numbers.isEmpty
        ? 0.1
        : (numbers.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(numbers.count))
          .squareRoot()
      var expectedDraws = RandomSource(seed: seed)
      let expected = Matrix(rows: vocabulary.count, cols: dimension) { i, j in
        found[i]?[j] ?? expectedDraws.gaussian(std: std)
      }
      assertEqual(
        result.covered, found.compactMap { $0 }.count, "09.9 covered words of \(vocabulary)")
      assertClose(result.embedding, expected, tolerance: 1e-12, "09.9 the embedding")
    }
  }
}
