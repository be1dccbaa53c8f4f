import CourseTestSupport
import Foundation
import RNNCore
import XCTest

import enum Unit07.BIO
import struct Unit07.LinearChainCRF
import struct Unit07.Span
import struct Unit07.SpanEvaluation

/// Hidden tests of unit 07's span and CRF exercises (07.9-07.16). They check span reading,
/// span evaluation and IOB1 conversion on new hand cases and on random sentences over three
/// types, against the test's own reading of CoNLL's rules; and the CRF on new shapes (two tags
/// and seven tokens, five tags and four tokens, one tag) against enumeration of every sequence,
/// its gradients by centered differences, and a long sentence with emissions of ±1000 against
/// the test's own log-space recursions. Each CRF quantity is compared with a value the test
/// computes itself, so each exercise is judged on its own.
final class Unit07CRFHiddenTests: XCTestCase {
  // MARK: Test-local references

  static func split(_ tag: String) -> (prefix: Character, type: Substring) {
    guard let first = tag.first, first != "O" else { return ("O", "") }
    return (first, tag.dropFirst(2))
  }

  /// CoNLL's `startOfChunk` and `endOfChunk`, with an `O` around every sentence.
  static func referenceSpans(_ tags: [String]) -> [Span] {
    var spans: [Span] = []
    var open: (type: String, start: Int)?
    let padded = ["O"] + tags + ["O"]
    for i in 1..<padded.count {
      let (p, pType) = split(padded[i - 1])
      let (c, cType) = split(padded[i])
      if p != "O" && (c != "I" || pType != cType), let span = open {
        spans.append(Span(type: span.type, start: span.start, end: i - 1))
        open = nil
      }
      if c == "B" || (c == "I" && (p == "O" || pType != cType)) { open = (String(cType), i - 1) }
    }
    return spans
  }

  static func randomTags(length: Int, types: [String], rng: inout RandomSource) -> [String] {
    (0..<length).map { _ in
      let r = rng.int(below: 2 * types.count + 2)
      if r >= 2 * types.count { return "O" }
      return (r % 2 == 0 ? "B-" : "I-") + types[r / 2]
    }
  }

  static func score(_ crf: LinearChainCRF, _ e: Matrix, _ tags: [Int]) -> Double {
    guard let first = tags.first, let last = tags.last else { return 0 }
    var s = crf.start[0, first] + crf.end[0, last]
    for (t, tag) in tags.enumerated() {
      s += e[t, tag] + (t > 0 ? crf.transitions[tags[t - 1], tag] : 0)
    }
    return s
  }

  static func logSumExp(_ x: [Double]) -> Double {
    let m = x.max() ?? -.infinity
    return m.isFinite ? m + log(x.map { exp($0 - m) }.reduce(0, +)) : m
  }

  /// Every sequence: `log Z`, the best sequence and its score, the marginals.
  static func enumerate(
    _ crf: LinearChainCRF, _ e: Matrix
  ) -> (logZ: Double, best: [Int], bestScore: Double, marginals: Matrix) {
    let k = crf.start.cols
    var sequences: [[Int]] = [[]]
    for _ in 0..<e.rows { sequences = sequences.flatMap { p in (0..<k).map { p + [$0] } } }
    let scores = sequences.map { score(crf, e, $0) }
    let logZ = logSumExp(scores)
    let best = scores.indices.max { scores[$0] < scores[$1] } ?? 0
    var marginals = Matrix.zeros(e.rows, k)
    for (y, s) in zip(sequences, scores) {
      for (t, tag) in y.enumerated() { marginals[t, tag] += exp(s - logZ) }
    }
    return (logZ, sequences[best], scores[best], marginals)
  }

  /// Forward and backward recursions in log space, and the max-product recursion.
  static func recursions(
    _ crf: LinearChainCRF, _ e: Matrix
  ) -> (logZ: Double, marginals: Matrix, bestScore: Double) {
    let (n, k) = (e.rows, crf.start.cols)
    var alpha = [(0..<k).map { crf.start[0, $0] + e[0, $0] }]
    var best = alpha[0]
    for t in 1..<n {
      let (a, b) = (alpha[t - 1], best)
      alpha.append(
        (0..<k).map { j in e[t, j] + logSumExp((0..<k).map { a[$0] + crf.transitions[$0, j] }) })
      best = (0..<k).map { j in
        e[t, j] + ((0..<k).map { b[$0] + crf.transitions[$0, j] }.max() ?? 0)
      }
    }
    var beta = [[Double]](repeating: (0..<k).map { crf.end[0, $0] }, count: n)
    for t in stride(from: n - 2, through: 0, by: -1) {
      beta[t] = (0..<k).map { i in
        logSumExp((0..<k).map { j in crf.transitions[i, j] + e[t + 1, j] + beta[t + 1][j] })
      }
    }
    let logZ = logSumExp((0..<k).map { alpha[n - 1][$0] + crf.end[0, $0] })
    let marginals = Matrix(rows: n, cols: k) { t, j in exp(alpha[t][j] + beta[t][j] - logZ) }
    return (logZ, marginals, (0..<k).map { best[$0] + crf.end[0, $0] }.max() ?? 0)
  }

  static func randomCRF(tagCount k: Int, rng: inout RandomSource) -> LinearChainCRF {
    LinearChainCRF(
      transitions: .gaussian(k, k, std: 1.3, rng: &rng), start: .gaussian(1, k, rng: &rng),
      end: .gaussian(1, k, rng: &rng))
  }

  // MARK: Spans, evaluation, IOB1 (07.9-07.11)

  func testSpansOnNewHandCases() throws {
    try exercise {
      func spans(_ text: String) -> [Span] {
        BIO.spans(text.split(separator: " ").map(String.init))
      }
      assertEqual(
        spans("I-A B-A I-A O"),
        [Span(type: "A", start: 0, end: 1), Span(type: "A", start: 1, end: 3)],
        "spans of I-A B-A I-A O")
      assertEqual(
        spans("O B-A I-B I-B B-B"),
        [
          Span(type: "A", start: 1, end: 2), Span(type: "B", start: 2, end: 4),
          Span(type: "B", start: 4, end: 5),
        ], "spans of O B-A I-B I-B B-B")
      assertEqual(spans("I-C"), [Span(type: "C", start: 0, end: 1)], "spans of I-C")
      assertEqual(
        spans("B-A O O I-A I-A I-A"),
        [Span(type: "A", start: 0, end: 1), Span(type: "A", start: 3, end: 6)],
        "spans of B-A O O I-A I-A I-A")
    }
  }

  func testSpansEvaluationAndConversionOnRandomSentences() throws {
    try exercise {
      var rng = RandomSource(seed: gradingSeed(7701))
      let types = ["A", "B", "C"]
      for _ in 0..<300 {
        let tags = Self.randomTags(length: rng.int(below: 15), types: types, rng: &rng)
        let expected = Self.referenceSpans(tags)
        if BIO.spans(tags) != expected {
          assertEqual(BIO.spans(tags), expected, "spans of \(tags) (07.9)")
          return
        }
        var converted: [String] = []
        for (i, tag) in tags.enumerated() {
          let previous = i == 0 ? "O" : tags[i - 1]
          let starts =
            Self.split(tag).prefix == "I" && Self.split(previous).type != Self.split(tag).type
          converted.append(starts ? "B-" + tag.dropFirst(2) : tag)
        }
        if BIO.iob2(fromIOB1: tags) != converted {
          assertEqual(BIO.iob2(fromIOB1: tags), converted, "IOB2 of \(tags) (07.11)")
          return
        }
      }
      for round in 0..<40 {
        let gold = (0..<(1 + rng.int(below: 4))).map { _ in
          Self.randomTags(length: rng.int(below: 10), types: types, rng: &rng)
        }
        let predicted = gold.map { s in
          s.map {
            rng.int(below: 4) == 0 ? Self.randomTags(length: 1, types: types, rng: &rng)[0] : $0
          }
        }
        var expected: [String: SpanEvaluation.Counts] = [:]
        var correctTags = 0
        for (g, p) in zip(gold, predicted) {
          let goldSpans = Self.referenceSpans(g)
          for s in goldSpans { expected[s.type, default: .init()].gold += 1 }
          for s in Self.referenceSpans(p) {
            expected[s.type, default: .init()].predicted += 1
            if goldSpans.contains(s) { expected[s.type, default: .init()].correct += 1 }
          }
          correctTags += zip(g, p).filter { $0 == $1 }.count
        }
        let e = SpanEvaluation(gold: gold, predicted: predicted)
        if e.byType != expected || e.correctTags != correctTags {
          assertEqual(
            e.byType, expected, "round \(round): counts of \(gold) vs \(predicted) (07.10)")
          assertEqual(e.correctTags, correctTags, "round \(round): correct tags (07.10)")
          return
        }
        assertEqual(e.tokens, gold.map(\.count).reduce(0, +), "round \(round): tokens (07.10)")
      }
    }
  }

  // MARK: The CRF (07.12-07.16)

  func testCRFAgainstEnumerationOnNewShapes() throws {
    try exercise {
      var rng = RandomSource(seed: gradingSeed(7702))
      for (n, k) in [(1, 2), (4, 2), (7, 2), (1, 5), (3, 5), (4, 5)] {
        let crf = Self.randomCRF(tagCount: k, rng: &rng)
        let e = Matrix.gaussian(n, k, std: 1.4, rng: &rng)
        let tags = (0..<n).map { _ in rng.int(below: k) }
        let expected = Self.enumerate(crf, e)
        let label = "n = \(n), K = \(k)"
        assertClose(
          crf.score(emissions: e, tags: tags), Self.score(crf, e, tags), tolerance: 1e-12,
          "score of \(tags) (07.12, \(label))")
        assertClose(
          crf.logPartition(emissions: e), expected.logZ, tolerance: 1e-11, "log Z (07.13, \(label))"
        )
        assertClose(
          crf.marginals(emissions: e), expected.marginals, tolerance: 1e-11,
          "marginals (07.14, \(label))")
        assertClose(
          crf.lossAndGradients(emissions: e, tags: tags).loss,
          expected.logZ - Self.score(crf, e, tags), tolerance: 1e-11, "loss (07.15, \(label))")
        let best = crf.viterbi(emissions: e)
        assertEqual(best.tags, expected.best, "best path (07.16, \(label))")
        assertClose(
          best.score, expected.bestScore, tolerance: 1e-12, "best score (07.16, \(label))")
      }
    }
  }

  func testCRFGradientsOnNewShapes() throws {
    try exercise {
      var rng = RandomSource(seed: gradingSeed(7703))
      for (n, k) in [(4, 5), (7, 2), (1, 3)] {
        let crf = Self.randomCRF(tagCount: k, rng: &rng)
        let e = Matrix.gaussian(n, k, rng: &rng)
        let tags = (0..<n).map { _ in rng.int(below: k) }
        let result = crf.lossAndGradients(emissions: e, tags: tags)
        func loss(_ c: LinearChainCRF, _ x: Matrix) -> Double {
          Self.recursions(c, x).logZ - Self.score(c, x, tags)
        }
        let label = "07.15, n = \(n), K = \(k), tags \(tags)"
        assertGradientsMatch(
          GradientCheck.check(input: e, named: "emissions", analytic: result.emissionGradient) {
            loss(crf, $0)
          }, tolerance: 1e-7, hint: label)
        assertGradientsMatch(
          GradientCheck.check(parameters: crf, analytic: result.gradients) { loss($0, e) },
          tolerance: 1e-7, hint: label)
      }
    }
  }

  func testCRFOnALongSentenceWithHugeEmissions() throws {
    try exercise {
      var rng = RandomSource(seed: gradingSeed(7704))
      let crf = Self.randomCRF(tagCount: 5, rng: &rng)
      var e = Matrix.gaussian(150, 5, std: 2, rng: &rng)
      for t in stride(from: 0, to: 150, by: 7) {
        for j in 0..<5 { e[t, j] = rng.uniform(-1000, 1000) }
      }
      let tags = (0..<150).map { _ in rng.int(below: 5) }
      let expected = Self.recursions(crf, e)
      assertClose(crf.logPartition(emissions: e), expected.logZ, tolerance: 1e-11, "log Z (07.13)")
      let marginals = crf.marginals(emissions: e)
      assertFinite(marginals, "marginals (07.14)")
      assertClose(marginals, expected.marginals, tolerance: 1e-10, "marginals (07.14)")
      let result = crf.lossAndGradients(emissions: e, tags: tags)
      assertClose(
        result.loss, expected.logZ - Self.score(crf, e, tags), tolerance: 1e-11, "loss (07.15)")
      var gradient = expected.marginals
      for (t, tag) in tags.enumerated() { gradient[t, tag] -= 1 }
      assertClose(result.emissionGradient, gradient, tolerance: 1e-10, "∂loss/∂E (07.15)")
      let best = crf.viterbi(emissions: e)
      assertClose(best.score, expected.bestScore, tolerance: 1e-11, "best score (07.16)")
      if best.tags.count == 150 && best.tags.allSatisfy({ (0..<5).contains($0) }) {
        assertClose(
          Self.score(crf, e, best.tags), expected.bestScore, tolerance: 1e-11,
          "score of the returned path (07.16)")
      } else {
        fail("best path of 150 tokens over 5 tags: got \(best.tags.count) tags (07.16)")
      }
    }
  }

  /// One tag: a single sequence, so `log Z` is its score, every marginal 1, the loss 0 and
  /// every gradient 0.
  func testCRFWithOneTag() throws {
    try exercise {
      var rng = RandomSource(seed: gradingSeed(7705))
      let crf = Self.randomCRF(tagCount: 1, rng: &rng)
      let e = Matrix.gaussian(5, 1, rng: &rng)
      let tags = [0, 0, 0, 0, 0]
      let s = Self.score(crf, e, tags)
      assertClose(crf.score(emissions: e, tags: tags), s, tolerance: 1e-12, "score (07.12, K = 1)")
      assertClose(crf.logPartition(emissions: e), s, tolerance: 1e-12, "log Z (07.13, K = 1)")
      assertClose(
        crf.marginals(emissions: e), Matrix(rows: 5, cols: 1, repeating: 1), tolerance: 1e-12,
        "marginals (07.14, K = 1)")
      let result = crf.lossAndGradients(emissions: e, tags: tags)
      assertEqual(result.loss, 0, accuracy: 1e-12, "loss (07.15, K = 1)")
      assertEqual(result.emissionGradient.maxAbs(), 0, accuracy: 1e-12, "∂loss/∂E (07.15, K = 1)")
      assertEqual(
        result.gradients.transitions.maxAbs() + result.gradients.start.maxAbs()
          + result.gradients.end.maxAbs(), 0, accuracy: 1e-12, "∂loss/∂A, start, end (07.15, K = 1)"
      )
      let best = crf.viterbi(emissions: e)
      assertEqual(best.tags, tags, "best path (07.16, K = 1)")
      assertClose(best.score, s, tolerance: 1e-12, "best score (07.16, K = 1)")
    }
  }
}
