import CourseTestSupport
import Foundation
import RNNCore
import XCTest

import struct Unit09.BagOfWordsClassifier
import struct Unit09.ClassifierHead
import struct Unit09.Convolution1D
import enum Unit09.Pooling

/// Hidden tests of unit 09's exercises (09.1-09.6). Batch sizes, lengths, widths, vocabularies
/// and weights are drawn from the grading seed; the expected values come from references
/// written here (one sentence at a time, unpadded, dense counts, explicit windows) and from
/// centered differences, never from stored numbers.
final class Unit09HiddenTests: XCTestCase {
  func testPoolingOnNewShapes() throws {
    try exercise {
      var rng = RandomSource(seed: gradingSeed(9101))
      for _ in 0..<3 {
        let batch = 2 + rng.int(below: 4)
        let width = 2 + rng.int(below: 5)
        let forwardWidth = rng.int(below: width + 1)
        var lengths = (0..<batch).map { _ in rng.int(below: 6) }
        lengths[0] = 0
        lengths[batch - 1] = max(lengths.max() ?? 0, 1)
        let steps = lengths.max() ?? 0
        let outputs = (0..<steps).map { t in
          Matrix(rows: batch, cols: width) { b, _ in
            t < lengths[b] ? rng.gaussian() : 10 + 3 * rng.gaussian()
          }
        }
        let r = Matrix.gaussian(batch, width, rng: &rng)
        for mode in Pooling.allCases {
          let label =
            "09.1-09.2 \(mode) (lengths \(lengths), width \(width), forward \(forwardWidth))"
          let forward = mode.forward(outputs, lengths: lengths, forwardWidth: forwardWidth)
          for (b, m) in lengths.enumerated() {
            let rows = (0..<m).map { outputs[$0].row(b) }
            var want = [Double](repeating: 0, count: width)
            if m > 0 {
              for j in 0..<width {
                let column = rows.map { $0[j] }
                switch mode {
                case .last: want[j] = j < forwardWidth ? column[m - 1] : column[0]
                case .mean: want[j] = column.reduce(0, +) / Double(m)
                case .max: want[j] = column.max() ?? 0
                }
              }
            }
            assertClose(
              forward.pooled.rowMatrix(b), Matrix(row: want), tolerance: 1e-12,
              "pooled row \(b), \(label)")
          }
          let gradients = mode.backward(forward.cache, pooledGradient: r)
          assertEqual(gradients.count, steps, "number of gradients, \(label)")
          guard gradients.count == steps else { continue }
          for t in 0..<steps {
            assertGradientsMatch(
              GradientCheck.check(input: outputs[t], named: "outputs[\(t)]", analytic: gradients[t])
              { changed in
                var all = outputs
                all[t] = changed
                return mode.forward(all, lengths: lengths, forwardWidth: forwardWidth).pooled.dot(r)
              }, tolerance: 1e-7, hint: label)
          }
        }
      }
    }
  }

  func testClassifierHeadOnNewShapes() throws {
    try exercise {
      var rng = RandomSource(seed: gradingSeed(9102))
      for _ in 0..<3 {
        let rows = 1 + rng.int(below: 6)
        let inputs = 1 + rng.int(below: 5)
        let classes = 2 + rng.int(below: 4)
        let head = ClassifierHead(
          weight: .gaussian(classes, inputs, rng: &rng), bias: .gaussian(1, classes, rng: &rng))
        let scale = rng.int(below: 2) == 0 ? 1.0 : 300.0
        let features = Matrix.gaussian(rows, inputs, std: scale, rng: &rng)
        let labels = (0..<rows).map { _ in rng.int(below: classes) }
        let label = "09.3 (B \(rows), D \(inputs), C \(classes), feature scale \(scale))"
        func loss(_ h: ClassifierHead, _ f: Matrix) -> Double {
          let z = f.matmul(h.weight, transposeOther: true).adding(rowVector: h.bias)
          return (0..<rows).reduce(0) { total, b in
            total + Softmax.logSumExp(z.row(b)) - z[b, labels[b]]
          } / Double(rows)
        }
        let result = head.lossAndGradients(features, labels: labels)
        assertClose(result.loss, loss(head, features), tolerance: 1e-12, "loss, \(label)")
        guard scale == 1 else {
          assertFinite(result.featureGradient, "∂L/∂features, \(label)")
          continue
        }
        assertGradientsMatch(
          GradientCheck.check(parameters: head, analytic: result.gradients) {
            loss($0, features)
          }, tolerance: 1e-7, hint: label)
        assertGradientsMatch(
          GradientCheck.check(input: features, named: "features", analytic: result.featureGradient)
          { loss(head, $0) }, tolerance: 1e-7, hint: label)
      }
    }
  }

  func testBagOfWordsOnNewShapes() throws {
    try exercise {
      var rng = RandomSource(seed: gradingSeed(9103))
      for _ in 0..<3 {
        let vocabulary = 3 + rng.int(below: 8)
        let classes = 2 + rng.int(below: 3)
        let count = 1 + rng.int(below: 6)
        var sentences = (0..<count).map { _ in
          (0..<rng.int(below: 7)).map { _ in rng.int(below: vocabulary) }
        }
        sentences[0] += sentences[0] + [0, 0]
        let labels = (0..<count).map { _ in rng.int(below: classes) }
        let model = BagOfWordsClassifier(
          weight: .gaussian(classes, vocabulary, rng: &rng), bias: .gaussian(1, classes, rng: &rng))
        let label = "09.4 (V \(vocabulary), C \(classes), sentences \(sentences))"
        func loss(_ m: BagOfWordsClassifier) -> Double {
          var total = 0.0
          for (b, sentence) in sentences.enumerated() {
            var counts = Matrix.zeros(1, vocabulary)
            for word in sentence { counts[0, word] += 1 }
            let z = counts.matmul(m.weight, transposeOther: true) + m.bias
            total += Softmax.logSumExp(z.row(0)) - z[0, labels[b]]
          }
          return total / Double(count)
        }
        let result = model.lossAndGradients(sentences, labels: labels)
        assertClose(result.loss, loss(model), tolerance: 1e-12, "loss, \(label)")
        assertGradientsMatch(
          GradientCheck.check(parameters: model, analytic: result.gradients) { loss($0) },
          tolerance: 1e-7, hint: label)
      }
    }
  }

  func testConvolutionOnNewShapes() throws {
    try exercise {
      var rng = RandomSource(seed: gradingSeed(9104))
      var checked = 0
      while checked < 4 {
        let e = 1 + rng.int(below: 4)
        let filters = 1 + rng.int(below: 4)
        let widths = [[2, 3], [3, 5], [2, 4, 5], [1, 2]][rng.int(below: 4)]
        let conv = Convolution1D(
          widths: widths, weights: widths.map { .gaussian(filters, $0 * e, rng: &rng) },
          biases: widths.map { _ in .gaussian(1, filters, std: 0.5, rng: &rng) })
        let n = rng.int(below: 8)
        let x = Matrix.gaussian(n, e, rng: &rng)
        func scores(_ c: Convolution1D, _ x: Matrix, _ k: Int) -> [[Double]] {
          let w = widths[k]
          return (0...max(n - w, 0)).map { i in
            (0..<filters).map { f in
              var a = c.biases[k][0, f]
              for r in 0..<w where i + r < n {
                for j in 0..<e { a += x[i + r, j] * c.weights[k][f, r * e + j] }
              }
              return a
            }
          }
        }
        func features(_ c: Convolution1D, _ x: Matrix) -> Matrix {
          Matrix(
            row: widths.indices.flatMap { k in
              let s = scores(c, x, k)
              return (0..<filters).map { f in max(0, s.map { $0[f] }.max() ?? 0) }
            })
        }
        var margin = Double.infinity
        for k in widths.indices {
          let s = scores(conv, x, k)
          for f in 0..<filters {
            let column = s.map { $0[f] }.sorted(by: >)
            margin = min(margin, abs(column[0]), column.count > 1 ? column[0] - column[1] : 1)
          }
        }
        guard margin > 1e-3 else { continue }
        checked += 1
        let label = "09.5-09.6 (E \(e), F \(filters), widths \(widths), n \(n))"
        let forward = conv.forward(x)
        assertClose(forward.features, features(conv, x), tolerance: 1e-12, "features, \(label)")
        let r = Matrix.gaussian(1, filters * widths.count, rng: &rng)
        let back = conv.backward(forward.cache, featureGradient: r)
        assertGradientsMatch(
          GradientCheck.check(parameters: conv, analytic: back.gradients) {
            features($0, x).dot(r)
          }, tolerance: 1e-7, hint: label)
        if n > 0 {
          assertGradientsMatch(
            GradientCheck.check(input: x, named: "X", analytic: back.inputGradient) {
              features(conv, $0).dot(r)
            }, tolerance: 1e-7, hint: label)
        }
      }
    }
  }
}
