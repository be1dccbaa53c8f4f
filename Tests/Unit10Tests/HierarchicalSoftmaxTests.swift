import CourseTestSupport
import Foundation
import RNNCore
import XCTest

import struct Unit10.HierarchicalSoftmax
import struct Unit10.HuffmanTree

/// The trees and layers of the hierarchical-softmax tests, built from the fixtures' paths and
/// codes (never with exercise 10.4, so these tests do not depend on it).
enum Unit10TreeLayers {
  typealias F = Unit10TreeFixtures

  static let handTree = HuffmanTree(paths: F.handPaths, codes: F.handCodes)
  static let twoWordTree = HuffmanTree(paths: F.twoWordPaths, codes: F.twoWordCodes)

  /// The Huffman tree of 30 Zipf-distributed words (depths from 2 to 7), from the test-local
  /// builder.
  static let zipfTree: HuffmanTree = {
    let (paths, codes) = F.referenceHuffman(F.zipfCounts(30, seed: 1042))
    return HuffmanTree(paths: paths, codes: codes)
  }()

  static func layer(
    _ tree: HuffmanTree, hidden: Int = 4, seed: UInt64, scale: Double = 0.8
  ) -> HierarchicalSoftmax {
    let (w, b) = F.nodes(words: tree.wordCount, hidden: hidden, seed: seed, scale: scale)
    return HierarchicalSoftmax(nodeWeight: w, nodeBias: b, tree: tree)
  }

  /// The contract's loss of `layer`'s tree with other weights or contexts.
  static func loss(_ layer: HierarchicalSoftmax, _ hidden: Matrix, _ targets: [Int]) -> Double {
    F.loss(
      weight: layer.nodeWeight, bias: layer.nodeBias, paths: layer.tree.paths,
      codes: layer.tree.codes, hidden: hidden, targets: targets)
  }
}

/// Exercise 10.5: `HierarchicalSoftmax.lossAndCache(hidden:targets:)`.
final class HierarchicalSoftmaxForwardTests: XCTestCase {
  let hint = Unit10TreeFixtures.hint("10.5", "HierarchicalSoftmax.lossAndCache")
  typealias F = Unit10TreeFixtures
  typealias L = Unit10TreeLayers

  func testLossMatchesTheReference() throws {
    try exercise {
      for (tree, seed) in [(L.handTree, 1050), (L.zipfTree, 1051)] as [(HuffmanTree, UInt64)] {
        let layer = L.layer(tree, seed: seed)
        let h = F.hidden(seed: seed + 100)
        let targets = tree.wordCount == 6 ? F.handTargets : [29, 0, 7, 13, 0, 21, 4]
        assertClose(
          layer.lossAndCache(hidden: h, targets: targets).loss, L.loss(layer, h, targets),
          tolerance: 1e-12, "mean -log p of the targets \(targets) (V = \(tree.wordCount))",
          hint: "At each node of the path add log σ(s) going right (bit true), log σ(-s) going "
            + "left, with s = h · v_n + b_n; average -log p over the rows. " + self.hint)
      }
    }
  }

  func testGoldenValues() throws {
    try exercise {
      let layer = L.layer(L.handTree, seed: 1052)
      let result = layer.lossAndCache(hidden: F.hidden(seed: 1053), targets: F.handTargets)
      assertClose(
        result.loss, Unit10TreeGoldenValues.handLoss, tolerance: 1e-12,
        "golden loss of the hand tree", hint: self.hint)
      let zipf = L.layer(L.zipfTree, hidden: 5, seed: 1054)
      let zipfResult = zipf.lossAndCache(
        hidden: F.hidden(seed: 1055, rows: 4, cols: 5), targets: [3, 17, 0, 3])
      assertClose(
        zipfResult.loss, Unit10TreeGoldenValues.zipfLoss, tolerance: 1e-12,
        "golden loss of the 30-word tree", hint: self.hint)
    }
  }

  /// `Σ_w exp(-loss(h, [w])) = 1` for every context: the student's loss on every target.
  func testProbabilitiesOfEveryWordSumToOne() throws {
    try exercise {
      for (tree, seed) in [(L.handTree, 1056), (L.zipfTree, 1057), (L.twoWordTree, 1058)]
        as [(HuffmanTree, UInt64)]
      {
        let layer = L.layer(tree, seed: seed, scale: 2)
        let h = F.hidden(seed: seed + 100, rows: 3)
        for b in 0..<h.rows {
          let context = h.rowMatrix(b)
          let total = (0..<tree.wordCount).reduce(0.0) { sum, w in
            sum + exp(-layer.lossAndCache(hidden: context, targets: [w]).loss)
          }
          assertClose(
            total, 1, tolerance: 1e-12, "Σ_w p(w | h) for context \(b), V = \(tree.wordCount)",
            hint: "Going right has probability σ(s), going left σ(-s) = 1 - σ(s). " + self.hint)
        }
      }
    }
  }

  /// The provided full-vocabulary method sums to 1 and agrees with the loss on every target.
  func testAgreesWithTheFullVocabularyLogProbabilities() throws {
    try exercise {
      let layer = L.layer(L.zipfTree, seed: 1059)
      let h = F.hidden(seed: 1060, rows: 3)
      let mine = (0..<h.rows).map { b in
        (0..<30).map { w in -layer.lossAndCache(hidden: h.rowMatrix(b), targets: [w]).loss }
      }
      let all = layer.logProbabilities(hidden: h)
      for b in 0..<h.rows {
        assertClose(
          all.row(b).reduce(0) { $0 + exp($1) }, 1, tolerance: 1e-12,
          "Σ_w exp(logProbabilities) of context \(b)")
        assertClose(
          Matrix(row: mine[b]), all.rowMatrix(b), tolerance: 1e-12,
          "-loss(h_\(b), [w]) for every word w against logProbabilities(hidden:)", hint: self.hint)
      }
    }
  }

  /// The batch repeated twice has the same mean loss.
  func testLossIsTheMeanOverTheBatch() throws {
    try exercise {
      let layer = L.layer(L.handTree, seed: 1061)
      let h = F.hidden(seed: 1062)
      let once = layer.lossAndCache(hidden: h, targets: F.handTargets).loss
      let twice = layer.lossAndCache(
        hidden: .vstack([h, h]), targets: F.handTargets + F.handTargets)
      assertClose(
        twice.loss, once, tolerance: 1e-12, "loss of the batch repeated twice",
        hint: "Average over the rows, do not sum. " + self.hint)
    }
  }

  /// Scores near ±1000: σ underflows to 0 and log σ must not be computed as log(σ).
  func testStableAtExtremeScores() throws {
    try exercise {
      let layer = L.layer(L.handTree, seed: 1063)
      let h = F.hidden(seed: 1064, scale: 600)
      let result = layer.lossAndCache(hidden: h, targets: F.handTargets)
      assertFinite(result.loss, "loss with scores in the hundreds. " + self.hint)
      assertClose(
        result.loss, L.loss(layer, h, F.handTargets), tolerance: 1e-12,
        "loss with scores in the hundreds",
        hint: "Compute log σ(x) without forming σ(x): -log(1 + e^-x) for x >= 0 and "
          + "x - log(1 + e^x) for x < 0. " + self.hint)
    }
  }

  /// The smallest vocabulary: one node, p(1 | h) = σ(s) and p(0 | h) = σ(-s).
  func testTwoWords() throws {
    try exercise {
      let layer = L.layer(L.twoWordTree, seed: 1065)
      let h = F.hidden(seed: 1066, rows: 2)
      let result = layer.lossAndCache(hidden: h, targets: [1, 0])
      let s = (0..<2).map { b in h.rowMatrix(b).dot(layer.nodeWeight) + layer.nodeBias[0, 0] }
      let want = -(log(1 / (1 + exp(-s[0]))) + log(1 / (1 + exp(s[1])))) / 2
      assertClose(
        result.loss, want, tolerance: 1e-12, "loss of two words, targets [1, 0]",
        hint: "Word 1 (code 1) goes right with σ(s); word 0 left with σ(-s). " + self.hint)
      assertClose(
        layer.lossAndCache(hidden: .zeros(0, 4), targets: []).loss, 0, tolerance: 0,
        "loss of an empty batch", hint: self.hint)
    }
  }
}

/// Exercise 10.6: `HierarchicalSoftmax.backward(_:)`.
final class HierarchicalSoftmaxBackwardTests: XCTestCase {
  let hint = Unit10TreeFixtures.hint("10.6", "HierarchicalSoftmax.backward")
  typealias F = Unit10TreeFixtures
  typealias L = Unit10TreeLayers

  func testGradientCheck() throws {
    try exercise {
      for (tree, seed) in [(L.handTree, 1070), (L.zipfTree, 1071)] as [(HuffmanTree, UInt64)] {
        let layer = L.layer(tree, seed: seed)
        let h = F.hidden(seed: seed + 100)
        let targets = tree.wordCount == 6 ? F.handTargets : [29, 0, 7, 13, 0, 21, 29]
        let (_, cache) = layer.lossAndCache(hidden: h, targets: targets)
        let result = layer.backward(cache)
        assertGradientsMatch(
          GradientCheck.check(parameters: layer, analytic: result.gradients) {
            L.loss($0, h, targets)
          }, tolerance: 1e-7, hint: "nodeWeight and nodeBias (V = \(tree.wordCount)). " + self.hint)
        assertGradientsMatch(
          GradientCheck.check(input: h, named: "hidden", analytic: result.hiddenGradient) {
            L.loss(layer, $0, targets)
          }, tolerance: 1e-7, hint: "the context vectors (V = \(tree.wordCount)). " + self.hint)
      }
    }
  }

  func testGoldenValues() throws {
    try exercise {
      let layer = L.layer(L.handTree, seed: 1052)
      let (_, cache) = layer.lossAndCache(hidden: F.hidden(seed: 1053), targets: F.handTargets)
      let result = layer.backward(cache)
      assertClose(
        result.hiddenGradient, Unit10TreeGoldenValues.handHiddenGradient, tolerance: 1e-10,
        "golden ∂L/∂h of the hand tree", hint: self.hint)
      assertClose(
        result.gradients.nodeWeight, Unit10TreeGoldenValues.handNodeWeightGradient,
        tolerance: 1e-10, "golden ∂L/∂nodeWeight of the hand tree", hint: self.hint)
      assertClose(
        result.gradients.nodeBias, Unit10TreeGoldenValues.handNodeBiasGradient, tolerance: 1e-10,
        "golden ∂L/∂nodeBias of the hand tree", hint: self.hint)
    }
  }

  /// Targets 5 and 0 pass through nodes 4, 3 and 2 only: the rows of nodes 0 and 1 get
  /// exactly zero, the others do not.
  func testOnlyNodesOnTheTargetsPathsGetGradients() throws {
    try exercise {
      let layer = L.layer(L.handTree, seed: 1072)
      let h = F.hidden(seed: 1073, rows: 3)
      let (_, cache) = layer.lossAndCache(hidden: h, targets: [5, 0, 5])
      let g = layer.backward(cache).gradients
      for node in 0..<5 {
        let onPath = node >= 2
        let size = g.nodeWeight.rowMatrix(node).maxAbs() + abs(g.nodeBias[0, node])
        if onPath {
          assertGreater(size, 0, "size of the gradient of node \(node), on a target's path")
        } else {
          assertClose(
            g.nodeWeight.rowMatrix(node), .zeros(1, 4), tolerance: 0,
            "∂L/∂nodeWeight row \(node), on no target's path",
            hint: "Only the nodes on the targets' paths have scores. " + self.hint)
          assertClose(
            g.nodeBias[0, node], 0, tolerance: 0, "∂L/∂nodeBias of node \(node), on no path",
            hint: self.hint)
        }
      }
    }
  }

  /// The same target twice from the same context: every node of its path collects both rows'
  /// contributions, so the mean gradient equals the gradient of one row.
  func testNodesSharedByTargetsAccumulate() throws {
    try exercise {
      let layer = L.layer(L.handTree, seed: 1074)
      let h = F.hidden(seed: 1075, rows: 1)
      let one = layer.backward(layer.lossAndCache(hidden: h, targets: [1]).cache)
      let two = layer.backward(layer.lossAndCache(hidden: .vstack([h, h]), targets: [1, 1]).cache)
      assertClose(
        two.gradients.nodeWeight, one.gradients.nodeWeight, tolerance: 1e-12,
        "∂L/∂nodeWeight of a row repeated twice",
        hint: "Add each row's contribution to a node's gradient (+=), do not overwrite it; "
          + "divide by B. " + self.hint)
      assertClose(
        two.gradients.nodeBias, one.gradients.nodeBias, tolerance: 1e-12,
        "∂L/∂nodeBias of a row repeated twice", hint: self.hint)
      assertClose(
        two.hiddenGradient, .vstack([one.hiddenGradient, one.hiddenGradient]) * 0.5,
        tolerance: 1e-12, "∂L/∂h of a row repeated twice (each row weighs 1/B)", hint: self.hint)
    }
  }

  /// Scores near ±1000: σ(s) is 0 or 1, every gradient stays finite and equals the limit.
  func testStableAtExtremeScores() throws {
    try exercise {
      let layer = L.layer(L.handTree, seed: 1076)
      let h = F.hidden(seed: 1077, scale: 600)
      let (_, cache) = layer.lossAndCache(hidden: h, targets: F.handTargets)
      let result = layer.backward(cache)
      assertFinite(result.hiddenGradient, "∂L/∂h with scores in the hundreds")
      assertFinite(result.gradients.nodeWeight, "∂L/∂nodeWeight with scores in the hundreds")
      assertFinite(result.gradients.nodeBias, "∂L/∂nodeBias with scores in the hundreds")
      // ∂(-log p)/∂s = σ(s) - bit, with σ(s) = e^s / (1 + e^s) for s < 0 (no overflow).
      var bias = Matrix.zeros(1, 5)
      for (b, w) in F.handTargets.enumerated() {
        for (node, right) in zip(F.handPaths[w], F.handCodes[w]) {
          let s = h.rowMatrix(b).dot(layer.nodeWeight.rowMatrix(node)) + layer.nodeBias[0, node]
          let sigma = s >= 0 ? 1 / (1 + exp(-s)) : exp(s) / (1 + exp(s))
          bias[0, node] += (sigma - (right ? 1 : 0)) / 7
        }
      }
      assertClose(
        result.gradients.nodeBias, bias, tolerance: 1e-12, "∂L/∂nodeBias at saturated scores",
        hint: self.hint)
    }
  }

  func testShapesAndTheTwoWordTree() throws {
    try exercise {
      let layer = L.layer(L.twoWordTree, hidden: 3, seed: 1078)
      let h = F.hidden(seed: 1079, rows: 2, cols: 3)
      let result = layer.backward(layer.lossAndCache(hidden: h, targets: [1, 0]).cache)
      // One node: ∂L/∂s_b = (σ(s_b) - bit_b) / B.
      let g = (0..<2).map { b in
        (1 / (1 + exp(-(h.rowMatrix(b).dot(layer.nodeWeight) + layer.nodeBias[0, 0])))
          - (b == 0 ? 1 : 0)) / 2
      }
      assertClose(
        result.gradients.nodeBias, Matrix([[g[0] + g[1]]]), tolerance: 1e-12,
        "∂L/∂nodeBias of two words", hint: self.hint)
      assertClose(
        result.gradients.nodeWeight, g[0] * h.rowMatrix(0) + g[1] * h.rowMatrix(1),
        tolerance: 1e-12, "∂L/∂nodeWeight of two words", hint: self.hint)
      assertClose(
        result.hiddenGradient,
        .vstack([g[0] * layer.nodeWeight, g[1] * layer.nodeWeight]), tolerance: 1e-12,
        "∂L/∂h of two words", hint: self.hint)
      let empty = layer.backward(layer.lossAndCache(hidden: .zeros(0, 3), targets: []).cache)
      assertEqual(empty.hiddenGradient.rows, 0, "rows of ∂L/∂h of an empty batch")
      assertEqual(empty.hiddenGradient.cols, 3, "columns of ∂L/∂h of an empty batch")
      assertClose(
        empty.gradients.nodeWeight, .zeros(1, 3), tolerance: 0,
        "∂L/∂nodeWeight of an empty batch", hint: self.hint)
    }
  }
}
