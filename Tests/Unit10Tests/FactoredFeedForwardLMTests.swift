import CourseTestSupport
import Foundation
import RNNCore
import RNNData
import XCTest

import struct Unit10.ClassSoftmax
import struct Unit10.FactoredFeedForwardLM
import struct Unit10.FeedForwardLM
import struct Unit10.FullSoftmax
import struct Unit10.WordClasses

/// Exercise 10.12: the feed-forward language model with any output layer, checked with the
/// provided full softmax against a loss written from the contract (so these tests need no
/// other exercise) and once with the class-based softmax of 10.2 and 10.3.
final class FactoredFeedForwardLMTests: XCTestCase {
  static let hint =
    "Build x and a = tanh(x Hᵀ + d) as in §4, call the output layer once on a, then walk back: "
    + "the output layer's backward gives ∂L/∂a; through tanh, the hidden layer and the lookup "
    + "as in exercise 10.8. Lectures/10-large-vocabularies.md §4."

  /// Contexts of three words over 7 words: repeated words in one context and across rows;
  /// word 6 appears in none.
  static let contexts = [[0, 2, 2], [5, 1, 3], [4, 4, 4], [3, 0, 5], [2, 5, 1]]
  static let targets = [4, 2, 6, 0, 1]

  static func model(seed: UInt64) -> FactoredFeedForwardLM<FullSoftmax> {
    var rng = RandomSource(seed: seed)
    let embedding = Matrix.gaussian(7, 2, std: 1, rng: &rng)
    let hiddenWeight = Matrix.gaussian(4, 6, std: 0.7, rng: &rng)
    let hiddenBias = Matrix.gaussian(1, 4, std: 0.3, rng: &rng)
    let output = FullSoftmax(
      weight: .gaussian(7, 4, std: 0.8, rng: &rng), bias: .gaussian(1, 7, std: 0.4, rng: &rng))
    return FactoredFeedForwardLM(
      embedding: embedding, hiddenWeight: hiddenWeight, hiddenBias: hiddenBias, output: output)
  }

  /// The contract's loss, one context at a time, with the softmax written out.
  static func localLoss(_ m: FactoredFeedForwardLM<FullSoftmax>) -> Double {
    var total = 0.0
    for (context, target) in zip(contexts, targets) {
      let x = context.flatMap { m.embedding.row($0) }
      let a = (0..<m.hiddenWeight.rows).map { i in
        tanh(x.indices.reduce(m.hiddenBias[0, i]) { $0 + m.hiddenWeight[i, $1] * x[$1] })
      }
      let y = (0..<7).map { w in
        a.indices.reduce(m.output.bias[0, w]) { $0 + m.output.weight[w, $1] * a[$1] }
      }
      let top = y.max() ?? 0
      total += top + log(y.reduce(0) { $0 + exp($1 - top) }) - y[target]
    }
    return total / Double(contexts.count)
  }

  func testLossMatchesTheContract() throws {
    try exercise {
      let m = Self.model(seed: 10_120)
      let result = m.lossAndGradients(contexts: Self.contexts, targets: Self.targets)
      assertClose(
        result.loss, Self.localLoss(m), tolerance: 1e-12,
        "mean -log p over 5 contexts, full softmax on top", hint: Self.hint)
    }
  }

  func testGoldenValues() throws {
    try exercise {
      // From the reference solution on this seed.
      let m = Self.model(seed: 10_120)
      let result = m.lossAndGradients(contexts: Self.contexts, targets: Self.targets)
      assertClose(
        result.loss, 1.8218520605017063, tolerance: 1e-12, "the mean loss", hint: Self.hint)
      assertClose(
        result.gradients.hiddenWeight[1, 3], -0.00083415594960203725, tolerance: 1e-12,
        "∂L/∂hiddenWeight[1, 3]", hint: Self.hint)
      assertClose(
        result.gradients.embedding[2, 1], -0.073604187279324482, tolerance: 1e-12,
        "∂L/∂embedding[2, 1] (word 2 fills two positions of one context and one of another)",
        hint: Self.hint)
    }
  }

  func testGradientsMatchCenteredDifferences() throws {
    try exercise {
      let m = Self.model(seed: 10_121)
      let result = m.lossAndGradients(contexts: Self.contexts, targets: Self.targets)
      assertGradientsMatch(
        GradientCheck.check(parameters: m, analytic: result.gradients) { Self.localLoss($0) },
        tolerance: 1e-6, hint: Self.hint)
      assertClose(
        Matrix(row: result.gradients.embedding.row(6)), .zeros(1, 2), tolerance: 0,
        "∂L/∂embedding of word 6, which no context uses")
    }
  }

  func testEmptyBatch() throws {
    try exercise {
      let m = Self.model(seed: 10_122)
      let result = m.lossAndGradients(contexts: [], targets: [])
      assertClose(result.loss, 0, tolerance: 0, "the loss of no contexts")
      var gradients = result.gradients
      gradients.visitParameters { name, block in
        assertClose(block.maxAbs(), 0, tolerance: 0, "\(name) of no contexts")
      }
    }
  }

  func testWithTheClassBasedSoftmax() throws {
    try exercise {
      var rng = RandomSource(seed: 10_123)
      let classes = WordClasses(members: [[4, 1], [0, 3, 5], [2, 6]])
      let output = ClassSoftmax(
        classWeight: .gaussian(3, 4, std: 0.8, rng: &rng),
        classBias: .gaussian(1, 3, std: 0.3, rng: &rng),
        wordWeight: .gaussian(7, 4, std: 0.8, rng: &rng),
        wordBias: .gaussian(1, 7, std: 0.3, rng: &rng), classes: classes)
      let m = FactoredFeedForwardLM(
        embedding: .gaussian(7, 2, std: 1, rng: &rng),
        hiddenWeight: .gaussian(4, 6, std: 0.7, rng: &rng),
        hiddenBias: .gaussian(1, 4, std: 0.3, rng: &rng), output: output)
      let result = m.lossAndGradients(contexts: Self.contexts, targets: Self.targets)
      func meanLoss(_ model: FactoredFeedForwardLM<ClassSoftmax>) -> Double {
        let logs = model.logProbabilities(contexts: Self.contexts)
        var total = 0.0
        for (b, target) in Self.targets.enumerated() { total -= logs[b, target] }
        return total / Double(Self.targets.count)
      }
      assertClose(
        result.loss, meanLoss(m), tolerance: 1e-12,
        "the loss with a class-based softmax, against the provided logProbabilities",
        hint: "check exercises 10.2 and 10.3 first. " + Self.hint)
      assertGradientsMatch(
        GradientCheck.check(parameters: m, analytic: result.gradients) { meanLoss($0) },
        tolerance: 1e-6, hint: "class-based softmax on top. " + Self.hint)
    }
  }
}

/// Exercise 10.12 trained: the feed-forward model with a class-based softmax on the synthetic
/// corpus.
final class FactoredFeedForwardLMTaskTests: XCTestCase {
  func testClassBasedModelLearnsTheCorpus() throws {
    try exercise {
      let words = SyntheticCorpus.words
      let ids = Dictionary(uniqueKeysWithValues: words.enumerated().map { ($1, $0) })
      let boundary = words.count
      func stream(_ corpus: SyntheticCorpus) -> [Int] {
        corpus.sentences.flatMap { $0.compactMap { ids[$0] } + [boundary] }
      }
      let train = stream(SyntheticCorpus.generate(sentences: 6_000, seed: 1))
      let testCorpus = SyntheticCorpus.generate(sentences: 300, seed: 2)
      var counts = [Int](repeating: 0, count: words.count + 1)
      for t in train { counts[t] += 1 }
      var rng = RandomSource(seed: 1180)
      let output = ClassSoftmax(
        hiddenSize: 32, classes: .frequencyBinned(counts: counts, classCount: 20), rng: &rng)
      var model = FactoredFeedForwardLM(
        embeddingSize: 16, contextLength: 2, output: output, rng: &rng)
      model.train(train, boundary: boundary, epochs: 1, batchSize: 32, rng: &rng)
      let perplexity = model.perplexity(stream(testCorpus), boundary: boundary)
      let optimum = testCorpus.sampleEntropy.perplexity
      assertLess(
        perplexity, 1.8 * optimum,
        "held-out perplexity of the class-based feed-forward model, against 1.8 times the "
          + "source's own \(optimum). " + FactoredFeedForwardLMTests.hint)
      assertGreaterOrEqual(
        perplexity, 0.98 * optimum, "no model beats the source by more than noise")
    }
  }
}
