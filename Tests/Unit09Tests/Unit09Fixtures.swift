import CourseTestSupport
import Foundation
import RNNCore

/// Seeded inputs and test-local references for the unit 09 tests. The references work on one
/// sentence at a time, unpadded, and read only the parameters and the inputs, never an
/// exercise: comparing them with a padded batch checks the padding rules too.
enum Unit09Fixtures {
  static let lecture = "Lectures/09-sentiment-homework.md"

  /// `hint: check Pooling.forward (exercise 09.1, Lectures/09-sentiment-homework.md §2).`
  static func hint(_ exercise: String, _ title: String, section: Int) -> String {
    "hint: check \(title) (exercise \(exercise), \(lecture) §\(section))."
  }

  // MARK: Pooling

  /// A long sentence, one token, one in between, an empty one, a short one.
  static let lengths = [4, 1, 3, 0, 2]
  /// Five columns, the first three from the forward direction.
  static let width = 5
  static let forwardWidth = 3

  /// A padded batch of encoder outputs: Gaussian at real positions, and at padding either
  /// zeros or large Gaussian garbage (which a correct readout never sees).
  static func outputs(
    seed: UInt64, lengths: [Int] = lengths, width: Int = width, garbage: Bool = true
  ) -> [Matrix] {
    var rng = RandomSource(seed: seed)
    let steps = lengths.max() ?? 0
    return (0..<steps).map { t in
      let values = Matrix.gaussian(lengths.count, width, rng: &rng)
      let junk = Matrix.gaussian(lengths.count, width, std: 5, rng: &rng) + 3
      return Matrix(rows: lengths.count, cols: width) { b, j in
        t < lengths[b] ? values[b, j] : (garbage ? junk[b, j] : 0)
      }
    }
  }

  /// The real rows of sentence `b`, unpadded: `m x D`.
  static func sentence(_ outputs: [Matrix], row b: Int, length m: Int) -> [[Double]] {
    (0..<m).map { outputs[$0].row(b) }
  }

  /// The pooled vector of one unpadded sentence (`m` rows of width `D`), from the contract.
  static func pooled(_ rows: [[Double]], mode: String, width: Int, forwardWidth: Int) -> Matrix {
    guard let first = rows.first, let final = rows.last else { return .zeros(1, width) }
    switch mode {
    case "last":
      return Matrix(row: (0..<width).map { $0 < forwardWidth ? final[$0] : first[$0] })
    case "mean":
      return Matrix(
        row: (0..<width).map { j in rows.reduce(0) { $0 + $1[j] } / Double(rows.count) })
    default:
      return Matrix(row: (0..<width).map { j in rows.map { $0[j] }.max() ?? 0 })
    }
  }

  /// `R`, the weights of the test loss `Σ R ⊙ pooled`.
  static func projection(rows: Int, cols: Int, seed: UInt64) -> Matrix {
    var rng = RandomSource(seed: seed)
    return .gaussian(rows, cols, rng: &rng)
  }

  // MARK: The classifier head

  static func head(seed: UInt64, inputSize: Int = 4, classes: Int = 3) -> (Matrix, Matrix) {
    var rng = RandomSource(seed: seed)
    return (
      .gaussian(classes, inputSize, std: 0.8, rng: &rng),
      .gaussian(1, classes, std: 0.5, rng: &rng)
    )
  }

  static func features(seed: UInt64, rows: Int = 5, cols: Int = 4, scale: Double = 1) -> Matrix {
    var rng = RandomSource(seed: seed)
    return .gaussian(rows, cols, std: scale, rng: &rng)
  }

  static let labels = [2, 0, 1, 1, 0]

  /// `-log softmax(z)[y]` of one row, shifted by the row's maximum.
  static func crossEntropy(_ z: [Double], label y: Int) -> Double {
    let top = z.max() ?? 0
    return top + log(z.reduce(0) { $0 + exp($1 - top) }) - z[y]
  }

  /// The mean cross-entropy of logits `f Wᵀ + b`, row by row.
  static func headLoss(weight: Matrix, bias: Matrix, features: Matrix, labels: [Int]) -> Double {
    guard features.rows > 0 else { return 0 }
    var total = 0.0
    for b in 0..<features.rows {
      let z = (0..<weight.rows).map { c in
        bias[0, c] + (0..<weight.cols).reduce(0) { $0 + weight[c, $1] * features[b, $1] }
      }
      total += crossEntropy(z, label: labels[b])
    }
    return total / Double(features.rows)
  }

  // MARK: Bag of words

  static let vocabulary = 7
  /// Repeated words, an empty sentence, a one-word sentence.
  static let sentences = [[3, 1, 3, 6], [], [2], [5, 5, 5, 0, 4], [6, 1]]
  static let sentenceLabels = [1, 0, 2, 1, 0]

  static func bagWeights(
    seed: UInt64, vocabulary: Int = vocabulary, classes: Int = 3
  ) -> (
    Matrix, Matrix
  ) {
    var rng = RandomSource(seed: seed)
    return (
      .gaussian(classes, vocabulary, std: 0.7, rng: &rng),
      .gaussian(1, classes, std: 0.4, rng: &rng)
    )
  }

  /// The mean cross-entropy with dense count vectors built here.
  static func bagLoss(weight: Matrix, bias: Matrix, sentences: [[Int]], labels: [Int]) -> Double {
    guard !sentences.isEmpty else { return 0 }
    var total = 0.0
    for (b, sentence) in sentences.enumerated() {
      var counts = [Double](repeating: 0, count: weight.cols)
      for word in sentence { counts[word] += 1 }
      let z = (0..<weight.rows).map { c in
        bias[0, c] + (0..<weight.cols).reduce(0) { $0 + weight[c, $1] * counts[$1] }
      }
      total += crossEntropy(z, label: labels[b])
    }
    return total / Double(sentences.count)
  }

  // MARK: Convolution

  static let embeddingSize = 3
  static let widths = [2, 3, 4]
  static let filters = 4

  static func banks(
    seed: UInt64, widths: [Int] = widths, filters: Int = filters, e: Int = 3
  )
    -> (weights: [Matrix], biases: [Matrix])
  {
    var rng = RandomSource(seed: seed)
    let weights = widths.map { Matrix.gaussian(filters, $0 * e, std: 0.6, rng: &rng) }
    let biases = widths.map { _ in Matrix.gaussian(1, filters, std: 0.3, rng: &rng) }
    return (weights, biases)
  }

  static func sentenceMatrix(seed: UInt64, length: Int, e: Int = 3) -> Matrix {
    var rng = RandomSource(seed: seed)
    return .gaussian(length, e, rng: &rng)
  }

  /// The pre-activations of every window of one bank, from the contract: the sentence padded
  /// with zero rows up to the width when it is shorter. `[position][filter]`.
  static func windowScores(_ x: Matrix, weight: Matrix, bias: Matrix, width w: Int) -> [[Double]] {
    let e = x.cols
    let rows = max(x.rows, w)
    func value(_ i: Int, _ j: Int) -> Double { i < x.rows ? x[i, j] : 0 }
    return (0...(rows - w)).map { i in
      (0..<weight.rows).map { f in
        var a = bias[0, f]
        for r in 0..<w {
          for j in 0..<e { a += weight[f, r * e + j] * value(i + r, j) }
        }
        return a
      }
    }
  }

  /// The features of one sentence: for each bank, the largest ReLU over the windows.
  static func convolutionFeatures(
    _ x: Matrix, weights: [Matrix], biases: [Matrix], widths: [Int]
  )
    -> Matrix
  {
    var features: [Double] = []
    for (k, w) in widths.enumerated() {
      let scores = windowScores(x, weight: weights[k], bias: biases[k], width: w)
      for f in 0..<weights[k].rows {
        features.append(max(0, scores.map { $0[f] }.max() ?? 0))
      }
    }
    return Matrix(row: features)
  }

  /// The smallest distance, over all filters, between a filter's best window score and its
  /// runner-up or zero (the kinks of max and ReLU); a gradient check needs it well above the
  /// step.
  static func kinkMargin(_ x: Matrix, weights: [Matrix], biases: [Matrix], widths: [Int]) -> Double
  {
    var margin = Double.infinity
    for (k, w) in widths.enumerated() {
      let scores = windowScores(x, weight: weights[k], bias: biases[k], width: w)
      for f in 0..<weights[k].rows {
        let column = scores.map { $0[f] }.sorted(by: >)
        margin = min(margin, abs(column[0]))
        if column.count > 1 { margin = min(margin, column[0] - column[1]) }
      }
    }
    return margin
  }
}
