import CourseTestSupport
import Foundation
import RNNCore
import XCTest

import struct Unit10.ClassSoftmax
import struct Unit10.WordClasses

/// Hidden tests of the class-based softmax (10.1-10.3). Vocabularies, counts, partitions,
/// shapes and weights are drawn from the grading seed; the expected values come from
/// references written here from the contracts and from centered differences, never from stored
/// numbers.
final class ClassSoftmaxHiddenTests: XCTestCase {
  /// Frequency binning from its documented rule, in two passes: the class each word would get
  /// from its mass, then the walk that neither skips a class nor runs out of words.
  static func binned(_ counts: [Int], _ k: Int) -> [[Int]] {
    let v = counts.count
    let order = (0..<v).map { (count: counts[$0], id: $0) }
      .sorted { ($1.count, $0.id) < ($0.count, $1.id) }.map(\.id)
    let total = counts.reduce(0, +)
    var before = 0
    var raw: [Int] = []
    for w in order {
      raw.append(total > 0 ? min(k - 1, (k * before) / total) : 0)
      before += counts[w]
    }
    var members = Array(repeating: [Int](), count: k)
    var current = 0
    for (i, w) in order.enumerated() {
      let wanted = max(raw[i], k - v + i)
      current = i == 0 ? 0 : min(current + 1, wanted)
      members[current].append(w)
    }
    return members
  }

  func testFrequencyBinningOnNewCounts() throws {
    try exercise {
      var rng = RandomSource(seed: gradingSeed(10101))
      for round in 0..<8 {
        let v = 2 + rng.int(below: 60)
        let k = 1 + rng.int(below: v)
        var counts = (0..<v).map { _ in rng.int(below: 4) == 0 ? 0 : 1 + rng.int(below: 30) }
        if round % 3 == 0 { counts[rng.int(below: v)] = 5_000 }
        if round == 7 { counts = Array(repeating: 0, count: v) }
        let label = "10.1 with \(v) words into \(k) classes"
        let classes = WordClasses.frequencyBinned(counts: counts, classCount: k)
        assertEqual(classes.members, Self.binned(counts, k), "members, \(label)")
        assertEqual(classes.classOf.count, v, "length of classOf, \(label)")
        assertEqual(classes.positionInClass.count, v, "length of positionInClass, \(label)")
        guard classes.classOf.count == v, classes.positionInClass.count == v else { continue }
        for (c, words) in classes.members.enumerated() {
          for (i, w) in words.enumerated() where (0..<v).contains(w) {
            assertEqual(classes.classOf[w], c, "classOf[\(w)], \(label)")
            assertEqual(classes.positionInClass[w], i, "positionInClass[\(w)], \(label)")
          }
        }
      }
    }
  }

  /// `-log p(w | h)` for one row, from the contract.
  static func negativeLogProbability(_ layer: ClassSoftmax, _ h: [Double], _ w: Int) -> Double {
    func logSumExp(_ x: [Double]) -> Double {
      let top = x.max() ?? 0
      return top + log(x.map { exp($0 - top) }.reduce(0, +))
    }
    func score(_ m: Matrix, _ bias: Matrix, _ row: Int) -> Double {
      zip(m.row(row), h).map { $0 * $1 }.reduce(bias[0, row], +)
    }
    let members = layer.classes.members
    guard let c = members.firstIndex(where: { $0.contains(w) }) else { return .nan }
    let classScores = members.indices.map { score(layer.classWeight, layer.classBias, $0) }
    let wordScores = members[c].map { score(layer.wordWeight, layer.wordBias, $0) }
    return logSumExp(classScores) - classScores[c] + logSumExp(wordScores)
      - score(layer.wordWeight, layer.wordBias, w)
  }

  static func loss(_ layer: ClassSoftmax, _ hidden: Matrix, _ targets: [Int]) -> Double {
    guard !targets.isEmpty else { return 0 }
    return targets.enumerated().map { negativeLogProbability(layer, hidden.row($0), $1) }
      .reduce(0, +) / Double(targets.count)
  }

  func testClassSoftmaxOnNewShapes() throws {
    try exercise {
      var rng = RandomSource(seed: gradingSeed(10102))
      for round in 0..<4 {
        let v = 3 + rng.int(below: 12)
        let k = 1 + rng.int(below: v)
        let hiddenSize = 1 + rng.int(below: 5)
        let batch = 1 + rng.int(below: 6)
        // A random partition: shuffled words cut into k non-empty runs.
        let words = rng.permutation(v)
        var cuts = Array(rng.permutation(v - 1).prefix(k - 1).map { $0 + 1 }).sorted()
        cuts = [0] + cuts + [v]
        let members = (0..<k).map { Array(words[cuts[$0]..<cuts[$0 + 1]]) }
        let layer = ClassSoftmax(
          classWeight: .gaussian(k, hiddenSize, rng: &rng),
          classBias: .gaussian(1, k, rng: &rng),
          wordWeight: .gaussian(v, hiddenSize, rng: &rng),
          wordBias: .gaussian(1, v, rng: &rng), classes: WordClasses(members: members))
        let scale = round == 3 ? 400.0 : 1.0
        let hidden = Matrix.gaussian(batch, hiddenSize, std: scale, rng: &rng)
        let targets = (0..<batch).map { _ in rng.int(below: v) }
        let label = "10.2-10.3 with \(v) words in \(k) classes, H = \(hiddenSize), B = \(batch)"
        let forward = layer.lossAndCache(hidden: hidden, targets: targets)
        assertClose(
          forward.loss, Self.loss(layer, hidden, targets), tolerance: 1e-11, "loss, \(label)")
        let result = layer.backward(forward.cache)
        assertFinite(result.hiddenGradient, "∂L/∂h, \(label)")
        if scale == 1 {
          assertGradientsMatch(
            GradientCheck.check(parameters: layer, analytic: result.gradients) {
              Self.loss($0, hidden, targets)
            }, tolerance: 1e-7, hint: label)
          assertGradientsMatch(
            GradientCheck.check(input: hidden, named: "hidden", analytic: result.hiddenGradient) {
              Self.loss(layer, $0, targets)
            }, tolerance: 1e-7, hint: label)
        }
        let touched = Set(targets.flatMap { w in members.first { $0.contains(w) } ?? [] })
        for w in 0..<v where !touched.contains(w) {
          assertClose(
            result.gradients.wordWeight.rowMatrix(w).maxAbs(), 0, tolerance: 0,
            "largest |∂L/∂Ww| of word \(w) outside the targets' classes, \(label)")
        }
      }
    }
  }
}
