import CourseTestSupport
import Foundation
import RNNCore

/// Seeded inputs and test-local references for the tests of the class-based softmax (10.1-10.3).
/// The references follow the contracts directly, one row and one class at a time, and read only
/// the parameters and the inputs, never an exercise.
enum Unit10ClassFixtures {
  static let lecture = "Lectures/10-large-vocabularies.md"

  /// `hint: check WordClasses.frequencyBinned (exercise 10.1, Lectures/10-large-vocabularies.md §2).`
  static func hint(_ exercise: String, _ title: String, section: Int) -> String {
    "hint: check \(title) (exercise \(exercise), \(lecture) §\(section))."
  }

  // MARK: Frequency binning

  /// Twelve words with ties (7 three times) and a word never seen.
  static let counts = [3, 40, 7, 7, 1, 25, 12, 2, 7, 0, 5, 18]

  /// `V` counts shaped like a Zipf law, `count(rank r) = round(scale / (r + offset))`, given to
  /// the words in a shuffled order.
  static func zipfCounts(
    words: Int, scale: Double = 100_000, offset: Double = 1, seed: UInt64
  ) -> [Int] {
    var rng = RandomSource(seed: seed)
    let byRank = (0..<words).map { Int((scale / (Double($0) + offset)).rounded()) }
    let order = rng.permutation(words)
    var counts = [Int](repeating: 0, count: words)
    for (rank, w) in order.enumerated() { counts[w] = byRank[rank] }
    return counts
  }

  // MARK: The class-based softmax

  /// Ten words in three classes of different sizes, listed out of id order, so a class-local
  /// index and a word id never coincide by accident.
  static let members = [[4, 1, 7], [0, 9, 2, 5], [3, 8, 6]]
  static let hiddenSize = 4
  /// Class 0 (words 4, 1, 7) is never a target; word 5 is the target twice.
  static let targets = [5, 3, 5, 0, 6]

  /// Non-symmetric Gaussian blocks `(classWeight, classBias, wordWeight, wordBias)`.
  static func blocks(
    seed: UInt64, members: [[Int]] = members, hiddenSize: Int = hiddenSize
  ) -> (Matrix, Matrix, Matrix, Matrix) {
    var rng = RandomSource(seed: seed)
    let k = members.count
    let v = members.reduce(0) { $0 + $1.count }
    return (
      .gaussian(k, hiddenSize, std: 0.8, rng: &rng), .gaussian(1, k, std: 0.5, rng: &rng),
      .gaussian(v, hiddenSize, std: 0.9, rng: &rng), .gaussian(1, v, std: 0.4, rng: &rng)
    )
  }

  static func hidden(
    seed: UInt64, rows: Int = targets.count, cols: Int = hiddenSize, scale: Double = 1
  ) -> Matrix {
    var rng = RandomSource(seed: seed)
    return .gaussian(rows, cols, std: scale, rng: &rng)
  }

  /// `log Σ exp(x)`, shifted by the maximum.
  static func logSumExp(_ x: [Double]) -> Double {
    let top = x.max() ?? 0
    return top + log(x.reduce(0) { $0 + exp($1 - top) })
  }

  /// `-log p(w | h)` of one row `h` (`H` numbers), from the contract: the class's log-softmax
  /// plus the log-softmax over the class's members.
  static func negativeLogProbability(
    word w: Int, hidden h: [Double], members: [[Int]], classWeight: Matrix, classBias: Matrix,
    wordWeight: Matrix, wordBias: Matrix
  ) -> Double {
    func score(_ weight: Matrix, _ bias: Matrix, _ row: Int) -> Double {
      var s = bias[0, row]
      for j in 0..<h.count { s += weight[row, j] * h[j] }
      return s
    }
    guard let c = members.firstIndex(where: { $0.contains(w) }) else { return .nan }
    let classScores = (0..<members.count).map { score(classWeight, classBias, $0) }
    let wordScores = members[c].map { score(wordWeight, wordBias, $0) }
    return logSumExp(classScores) - classScores[c] + logSumExp(wordScores)
      - score(wordWeight, wordBias, w)
  }

  /// The mean of ``negativeLogProbability`` over a batch (0 when it is empty).
  static func loss(
    classWeight: Matrix, classBias: Matrix, wordWeight: Matrix, wordBias: Matrix,
    members: [[Int]] = members, hidden: Matrix, targets: [Int]
  ) -> Double {
    guard !targets.isEmpty else { return 0 }
    var total = 0.0
    for (b, w) in targets.enumerated() {
      total += negativeLogProbability(
        word: w, hidden: hidden.row(b), members: members, classWeight: classWeight,
        classBias: classBias, wordWeight: wordWeight, wordBias: wordBias)
    }
    return total / Double(targets.count)
  }
}
