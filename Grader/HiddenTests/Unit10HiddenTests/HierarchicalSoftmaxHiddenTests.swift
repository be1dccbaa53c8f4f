import CourseTestSupport
import Foundation
import RNNCore
import XCTest

import struct Unit10.HierarchicalSoftmax
import struct Unit10.HuffmanTree

/// Hidden tests of the Huffman tree and the hierarchical softmax (10.4-10.6). Vocabularies,
/// counts, widths, batches and weights are drawn from the grading seed; the expected values
/// come from references written here (a plain priority-queue scan for the tree, the product of
/// branch probabilities for the loss) and from centered differences, never from stored numbers.
final class HierarchicalSoftmaxHiddenTests: XCTestCase {
  /// Counts with many ties: small integers, some zeros, sometimes a few large ones.
  static func counts(_ rng: inout RandomSource) -> [Int] {
    let v = 2 + rng.int(below: 30)
    let spread = [2, 4, 50][rng.int(below: 3)]
    return (0..<v).map { _ in rng.int(below: spread) * (rng.int(below: 8) == 0 ? 20 : 1) }
  }

  /// The construction rule of `HuffmanTree.build`, scanning for the two smallest
  /// (count, key) pairs at each merge; returns (paths, codes).
  static func huffman(_ counts: [Int]) -> ([[Int]], [[Bool]]) {
    let v = counts.count
    var live = (0..<v).map { [counts[$0], $0] }
    var up: [Int: (Int, Bool)] = [:]
    for k in 0..<(v - 1) {
      live.sort { ($0[0], $0[1]) < ($1[0], $1[1]) }
      up[live[0][1]] = (k, false)
      up[live[1][1]] = (k, true)
      live = [[live[0][0] + live[1][0], v + k]] + live.dropFirst(2)
    }
    var paths: [[Int]] = []
    var codes: [[Bool]] = []
    for w in 0..<v {
      var path: [Int] = []
      var code: [Bool] = []
      var key = w
      while let step = up[key] {
        path = [step.0] + path
        code = [step.1] + code
        key = v + step.0
      }
      paths.append(path)
      codes.append(code)
    }
    return (paths, codes)
  }

  /// `-mean log Π σ(±s)` over the rows, with each factor written as `1 / (1 + e^∓s)`.
  static func loss(_ layer: HierarchicalSoftmax, _ h: Matrix, _ targets: [Int]) -> Double {
    guard !targets.isEmpty else { return 0 }
    var total = 0.0
    for (b, w) in targets.enumerated() {
      var logP = 0.0
      for (node, right) in zip(layer.tree.paths[w], layer.tree.codes[w]) {
        let s = (0..<h.cols).reduce(layer.nodeBias[0, node]) {
          $0 + h[b, $1] * layer.nodeWeight[node, $1]
        }
        let x = right ? s : -s
        logP += x > 0 ? -log1p(exp(-x)) : x - log1p(exp(x))
      }
      total -= logP
    }
    return total / Double(targets.count)
  }

  func testHuffmanTreeOnNewCounts() throws {
    try exercise {
      var rng = RandomSource(seed: gradingSeed(10401))
      for _ in 0..<8 {
        let counts = Self.counts(&rng)
        let (paths, codes) = Self.huffman(counts)
        let tree = HuffmanTree.build(counts: counts)
        assertEqual(tree.paths, paths, "10.4 paths of the counts \(counts)")
        assertEqual(tree.codes, codes, "10.4 codes of the counts \(counts)")
      }
    }
  }

  func testHierarchicalSoftmaxOnNewShapes() throws {
    try exercise {
      var rng = RandomSource(seed: gradingSeed(10501))
      for round in 0..<4 {
        let counts = Self.counts(&rng)
        let (paths, codes) = Self.huffman(counts)
        let tree = HuffmanTree(paths: paths, codes: codes)
        let v = counts.count
        let width = 1 + rng.int(below: 6)
        let batch = 1 + rng.int(below: 6)
        let layer = HierarchicalSoftmax(
          nodeWeight: .gaussian(v - 1, width, rng: &rng), nodeBias: .gaussian(1, v - 1, rng: &rng),
          tree: tree)
        let scale = round == 3 ? 500.0 : 1.0
        var targets = (0..<batch).map { _ in rng.int(below: v) }
        targets[batch - 1] = targets[0]
        let h = Matrix.gaussian(batch, width, std: scale, rng: &rng)
        let label = "(V \(v), H \(width), B \(batch), context scale \(scale))"
        let (loss, cache) = layer.lossAndCache(hidden: h, targets: targets)
        assertClose(loss, Self.loss(layer, h, targets), tolerance: 1e-12, "10.5 loss \(label)")
        let first = h.rowMatrix(0)
        let total = (0..<v).reduce(0.0) { sum, w in
          sum + exp(-layer.lossAndCache(hidden: first, targets: [w]).loss)
        }
        assertClose(total, 1, tolerance: 1e-12, "10.5 Σ_w p(w | h_0) \(label)")
        let result = layer.backward(cache)
        guard scale == 1 else {
          assertFinite(result.hiddenGradient, "10.6 ∂L/∂h \(label)")
          assertFinite(result.gradients.nodeWeight, "10.6 ∂L/∂nodeWeight \(label)")
          continue
        }
        let used = Set(targets.flatMap { paths[$0] })
        for node in 0..<(v - 1) where !used.contains(node) {
          assertClose(
            result.gradients.nodeWeight.rowMatrix(node), .zeros(1, width), tolerance: 0,
            "10.6 ∂L/∂nodeWeight row \(node), on no target's path, \(label)")
        }
        assertGradientsMatch(
          GradientCheck.check(parameters: layer, analytic: result.gradients) {
            Self.loss($0, h, targets)
          }, tolerance: 1e-7, hint: "10.6 \(label)")
        assertGradientsMatch(
          GradientCheck.check(input: h, named: "hidden", analytic: result.hiddenGradient) {
            Self.loss(layer, $0, targets)
          }, tolerance: 1e-7, hint: "10.6 \(label)")
      }
    }
  }
}
