import CourseTestSupport
import Foundation
import RNNCore
import RNNData
import XCTest

import struct RNNTraining.LanguageModelTrainer
import struct RNNTraining.TrainingConfiguration
import struct Unit10.ClassSoftmax
import struct Unit10.FactoredLanguageModel
import struct Unit10.FeedForwardLM
import enum Unit10.Interpolation
import struct Unit10.WordClasses

/// An interpolated Kneser-Ney model (discount 0.75) over a token stream, written for the tests:
/// the n-gram row of the perplexity table, with the same contexts as the feed-forward model
/// (the `n-1` tokens before a position, the boundary id before the start of the stream).
struct LocalKneserNey {
  let order: Int
  let vocabulary: Int
  let discount = 0.75
  /// `levels[k]`: for each context of `k` tokens, the counts of the words after it (raw
  /// counts at the top level `n-1`, continuation counts below).
  private var levels: [[[Int]: [Int: Double]]]

  init(tokens: [Int], order: Int, vocabulary: Int, boundary: Int) {
    self.order = order
    self.vocabulary = vocabulary
    levels = Array(repeating: [:], count: order)
    let padded = [Int](repeating: boundary, count: order - 1) + tokens
    for t in (order - 1)..<padded.count {
      levels[order - 1][Array(padded[(t - order + 1)..<t]), default: [:]][padded[t], default: 0] +=
        1
    }
    // A lower-order count of (h, w) is the number of distinct words seen before h w.
    for k in stride(from: order - 2, through: 0, by: -1) {
      for (context, words) in levels[k + 1] {
        let shorter = Array(context.dropFirst())
        for word in words.keys { levels[k][shorter, default: [:]][word, default: 0] += 1 }
      }
    }
  }

  /// `p(word | the last order-1 tokens of context)`.
  func probability(_ word: Int, context: [Int]) -> Double {
    var p = 1 / Double(vocabulary)
    for k in 0..<order {
      guard let words = levels[k][Array(context.suffix(k))] else { continue }
      let total = words.values.reduce(0, +)
      p = (max((words[word] ?? 0) - discount, 0) + discount * Double(words.count) * p) / total
    }
    return p
  }
}

/// The perplexity table on the kit's synthetic corpus, where the best possible perplexity is
/// known: a recurrent model with a class-based softmax (exercises 10.1-10.3, 10.10, 10.11),
/// the feed-forward model (10.7, 10.8) and Kneser-Ney with the same context, and the
/// interpolation of each neural model with Kneser-Ney (10.9).
final class PerplexityTableTaskTests: XCTestCase {
  static let hint =
    "hint: the unit's own tests name the exercise that is wrong: 10.1-10.3 (class-based "
    + "softmax), 10.10-10.11 (the recurrent model), 10.7-10.8 (feed-forward), 10.9 "
    + "(interpolation); Lectures/10-large-vocabularies.md §6-§7."

  func testTheRecurrentModelBeatsTheSameContextAndInterpolationBeatsBoth() throws {
    try exercise {
      let words = SyntheticCorpus.words
      let ids = Dictionary(uniqueKeysWithValues: words.enumerated().map { ($1, $0) })
      let boundary = words.count
      let vocabulary = words.count + 1
      func stream(_ corpus: SyntheticCorpus) -> [Int] {
        corpus.sentences.flatMap { $0.compactMap { ids[$0] } + [boundary] }
      }
      let train = stream(SyntheticCorpus.generate(sentences: 12_000, seed: 1))
      let validation = stream(SyntheticCorpus.generate(sentences: 200, seed: 3))
      let testCorpus = SyntheticCorpus.generate(sentences: 300, seed: 2)
      let test = stream(testCorpus)
      let optimum = testCorpus.sampleEntropy.perplexity
      let contextLength = 2

      // Kneser-Ney and the feed-forward model read the same two tokens.
      let kn = LocalKneserNey(
        tokens: train, order: contextLength + 1, vocabulary: vocabulary, boundary: boundary)
      func knLogProbabilities(_ tokens: [Int]) -> [Double] {
        FeedForwardLM.contexts(of: tokens, contextLength: contextLength, boundary: boundary)
          .enumerated().map { log(kn.probability(tokens[$0.offset], context: $0.element)) }
      }
      var rng = RandomSource(seed: 1170)
      var ffnn = FeedForwardLM(
        vocabularySize: vocabulary, embeddingSize: 16, contextLength: contextLength,
        hiddenSize: 32, rng: &rng)
      ffnn.train(train, boundary: boundary, epochs: 1, batchSize: 32, learningRate: 0.01, rng: &rng)

      // The recurrent model reads the whole history, from a boundary before the first token.
      var counts = [Int](repeating: 0, count: vocabulary)
      for t in train { counts[t] += 1 }
      let classes = WordClasses.frequencyBinned(counts: counts, classCount: 16)
      var rnn = FactoredLanguageModel(
        cell: TanhCell(inputSize: 16, hiddenSize: 32, std: 0.2, rng: &rng),
        output: ClassSoftmax(hiddenSize: 32, classes: classes, rng: &rng), rng: &rng)
      let trainer = LanguageModelTrainer<FactoredLanguageModel<TanhCell, ClassSoftmax>>(
        configuration: TrainingConfiguration(
          steps: 400, batchSize: 16, sequenceLength: 20, evaluateEvery: 0, logEvery: 0))
      var adam = Adam(learningRate: 0.01)
      _ = try trainer.train(&rnn, optimizer: &adam, training: [boundary] + train, validation: [])
      func rnnLogProbabilities(_ tokens: [Int]) -> [Double] {
        let inputs = [boundary] + tokens.dropLast()
        var state = rnn.initialState(batchSize: 1)
        var out: [Double] = []
        var start = 0
        while start < tokens.count {
          let end = min(start + 50, tokens.count)
          let pass = rnn.run([Array(inputs[start..<end])], initialState: state)
          for (offset, step) in pass.states.enumerated() {
            out.append(rnn.output.logProbabilities(hidden: step.hidden)[0, tokens[start + offset]])
          }
          state = pass.states.last ?? state
          start = end
        }
        return out
      }

      func perplexity(_ logs: [Double]) -> Double { exp(-logs.reduce(0, +) / Double(logs.count)) }
      let knTest = knLogProbabilities(test)
      let ffnnTest = ffnn.tokenLogProbabilities(test, boundary: boundary)
      let rnnTest = rnnLogProbabilities(test)
      let (knPerplexity, ffnnPerplexity, rnnPerplexity) =
        (perplexity(knTest), perplexity(ffnnTest), perplexity(rnnTest))
      let table =
        " (test perplexities: optimum \(optimum), KN \(knPerplexity), feed-forward "
        + "\(ffnnPerplexity), recurrent \(rnnPerplexity)). " + Self.hint
      for (name, value, factor) in [
        ("Kneser-Ney", knPerplexity, 2.0), ("feed-forward", ffnnPerplexity, 1.6),
        ("recurrent", rnnPerplexity, 1.45),
      ] {
        assertLess(
          value, factor * optimum,
          "the \(name) model's test perplexity, against \(factor) times the source's own" + table)
        assertGreaterOrEqual(
          value, 0.98 * optimum,
          "no model beats the source by more than noise: the \(name) model against 0.98 times "
            + "the optimum")
      }
      assertLess(
        rnnPerplexity, 0.85 * knPerplexity,
        "the recurrent model's test perplexity, against 0.85 times Kneser-Ney's" + table)
      assertLess(
        rnnPerplexity, 0.95 * ffnnPerplexity,
        "the recurrent model's test perplexity, against 0.95 times the feed-forward model's"
          + table)

      // Each neural model mixed with Kneser-Ney, λ tuned on the validation stream.
      let knValidation = knLogProbabilities(validation)
      for (name, neuralValidation, neuralTest, alone, margin) in [
        (
          "feed-forward", ffnn.tokenLogProbabilities(validation, boundary: boundary), ffnnTest,
          ffnnPerplexity, 0.99
        ),
        ("recurrent", rnnLogProbabilities(validation), rnnTest, rnnPerplexity, 0.998),
      ] {
        let lambda = Interpolation.tuneLambda(neural: neuralValidation, ngram: knValidation)
        let mixed = Interpolation.perplexity(neural: neuralTest, ngram: knTest, lambda: lambda)
        assertLess(
          mixed, margin * min(alone, knPerplexity),
          "the \(name) model mixed with Kneser-Ney (λ = \(lambda) tuned on validation), "
            + "against \(margin) times the better of its two parts" + table)
      }
    }
  }
}
