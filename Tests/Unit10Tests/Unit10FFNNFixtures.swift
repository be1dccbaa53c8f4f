import Foundation
import RNNCore

import struct Unit10.FeedForwardLM

/// Models, contexts and test-local references for the tests of the feed-forward language
/// model and of interpolation (exercises 10.7-10.9). The references follow the contracts and
/// read only the parameter blocks, never an exercise.
enum Unit10FFNNFixtures {
  static let lecture = "Lectures/10-large-vocabularies.md"

  /// `hint: check FeedForwardLM.backward (exercise 10.8, Lectures/10-large-vocabularies.md §4).`
  static func hint(_ exercise: String, _ title: String, section: Int) -> String {
    "hint: check \(title) (exercise \(exercise), \(lecture) §\(section))."
  }

  /// A model with non-symmetric Gaussian weights and biases (none of them zero), built with the
  /// memberwise initializer so the tests do not depend on the seeded one.
  static func model(
    words v: Int = 7, embedding e: Int = 3, context n1: Int = 3, hidden: Int = 5,
    direct: Bool = false, seed: UInt64, scale: Double = 0.7
  ) -> FeedForwardLM {
    var rng = RandomSource(seed: seed)
    let embedding = Matrix.gaussian(v, e, std: 1, rng: &rng)
    let hiddenWeight = Matrix.gaussian(hidden, n1 * e, std: scale, rng: &rng)
    let hiddenBias = Matrix.gaussian(1, hidden, std: 0.3, rng: &rng)
    let outputWeight = Matrix.gaussian(v, hidden, std: scale, rng: &rng)
    let outputBias = Matrix.gaussian(1, v, std: 0.5, rng: &rng)
    let directWeight: Matrix? = direct ? .gaussian(v, n1 * e, std: 0.4, rng: &rng) : nil
    return FeedForwardLM(
      embedding: embedding, hiddenWeight: hiddenWeight, hiddenBias: hiddenBias,
      outputWeight: outputWeight, outputBias: outputBias, directWeight: directWeight)
  }

  /// Contexts of three words (oldest first) over 7 words: a word twice or three times in one
  /// context, the same context in two rows, every order different; word 6 appears in none.
  static let contexts = [[0, 2, 2], [5, 1, 3], [4, 4, 4], [3, 0, 5], [2, 5, 1], [0, 2, 2]]
  static let targets = [4, 2, 6, 0, 1, 3]

  /// `log Σ exp(y_i)`, shifted by the maximum.
  static func logSumExp(_ y: [Double]) -> Double {
    let m = y.max() ?? -.infinity
    return m + log(y.reduce(0) { $0 + exp($1 - m) })
  }

  /// The logits of one context from the contract: `x` is the rows of the embedding of the
  /// context's words side by side (oldest first), `a = tanh(H x + d)`,
  /// `y = b + U a (+ W x)`.
  static func logits(_ model: FeedForwardLM, _ context: [Int]) -> [Double] {
    let x = context.flatMap { model.embedding.row($0) }
    let a = (0..<model.hiddenWeight.rows).map { i in
      tanh(x.indices.reduce(model.hiddenBias[0, i]) { $0 + model.hiddenWeight[i, $1] * x[$1] })
    }
    return (0..<model.outputWeight.rows).map { w in
      var y = model.outputBias[0, w]
      for i in a.indices { y += model.outputWeight[w, i] * a[i] }
      if let direct = model.directWeight {
        for j in x.indices { y += direct[w, j] * x[j] }
      }
      return y
    }
  }

  /// The mean of `-log softmax(y)[target]` over the rows (0 for no rows).
  static func loss(_ model: FeedForwardLM, _ contexts: [[Int]], _ targets: [Int]) -> Double {
    guard !targets.isEmpty else { return 0 }
    var total = 0.0
    for (context, target) in zip(contexts, targets) {
      let y = logits(model, context)
      total += logSumExp(y) - y[target]
    }
    return total / Double(targets.count)
  }

  /// `log(λ e^a + (1 - λ) e^b)` written around the larger of the two terms.
  static func mixture(_ a: Double, _ b: Double, _ lambda: Double) -> Double {
    if lambda == 0 { return b }
    if lambda == 1 { return a }
    let u = log(lambda) + a
    let v = log(1 - lambda) + b
    return u >= v ? u + log(1 + exp(v - u)) : v + log(1 + exp(u - v))
  }

  /// `Σ_t log(λ p_neural + (1 - λ) p_ngram)`.
  static func logLikelihood(_ neural: [Double], _ ngram: [Double], _ lambda: Double) -> Double {
    zip(neural, ngram).reduce(0) { $0 + mixture($1.0, $1.1, lambda) }
  }

  /// Per-token log-probabilities of two imperfect models on `count` tokens: each model is
  /// good on some tokens and bad on others, and they err on different tokens.
  static func twoModels(count: Int, seed: UInt64) -> (neural: [Double], ngram: [Double]) {
    var rng = RandomSource(seed: seed)
    var neural: [Double] = []
    var ngram: [Double] = []
    for _ in 0..<count {
      neural.append(log(rng.uniform(0.001, 0.6)))
      ngram.append(log(rng.uniform(0.001, 0.5)))
    }
    return (neural, ngram)
  }
}
