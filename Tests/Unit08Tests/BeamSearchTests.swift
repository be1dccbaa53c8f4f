import CourseTestSupport
import Foundation
import XCTest

import struct Unit08.DecodedSequence
import func Unit08.beamSearch

/// Exercise 08.12: `beamSearch`, on test-local decoders. Expected values come from the test's
/// own step-by-step greedy choice, from enumeration of every possible sequence, and from small
/// tables worked by hand; never from the kit's `greedyDecode`.
final class BeamSearchTests: XCTestCase {
  let hint = DecodingFixtures.hint("08.12", "beamSearch", section: 7)

  func search(
    _ decoder: DecodingFixtures.TableDecoder, end: Int = 3, maxLength: Int, width: Int,
    alpha: Double = 0
  ) -> [DecodedSequence] {
    beamSearch(
      initial: [], startToken: DecodingFixtures.start, endToken: end, maxLength: maxLength,
      width: width, lengthPenalty: alpha, step: decoder.step)
  }

  /// Greedy takes 0 (0.5), then 0 (0.3), then </s> (0.9): probability 0.135. The sequence
  /// `1 </s>` has 0.4 · 0.8 = 0.32, but greedy never looks at 1.
  ///
  /// Width 2: step 1 keeps `0` (0.5) and `1` (0.4). Step 2's best extensions are `1 </s>`
  /// (0.32, finished: the beam shrinks to one) and `0 0` (0.15). Step 3 extends `0 0` alone;
  /// its best extension `0 0 </s>` (0.135) finishes, and the search ends with two results.
  ///
  /// Width 3: step 2 also keeps `0 1` (0.13); step 3 has room for two: `0 0 </s>` (0.135) and
  /// `0 1 0` (0.13 · 0.25 = 0.0325, cut at maxLength = 3, so not finished).
  let greedyIsNotOptimal = DecodingFixtures.TableDecoder(
    vocabularySize: 4,
    table: [
      []: [0.5, 0.4, 0.05, 0.05],
      [0]: [0.3, 0.26, 0.2, 0.24],
      [1]: [0.05, 0.05, 0.1, 0.8],
      [0, 0]: [0.05, 0.025, 0.025, 0.9],
    ])

  func testWiderBeamFindsWhatGreedyMisses() throws {
    try exercise {
      let two = self.search(self.greedyIsNotOptimal, maxLength: 3, width: 2)
      assertEqual(
        two.map(\.tokens), [[1, 3], [0, 0, 3]],
        "width 2 on the hand-worked table: 1 </s> (0.32) beats greedy's 0 0 </s> (0.135); "
          + "a finished hypothesis leaves the beam and the beam shrinks. \(self.hint)")
      if two.count == 2 {
        assertClose(
          two[0].logProbability, log(0.4) + log(0.8), tolerance: 1e-12,
          "log-probability of 1 </s>", hint: self.hint)
        assertClose(
          two[1].logProbability, log(0.5) + log(0.3) + log(0.9), tolerance: 1e-12,
          "log-probability of 0 0 </s>", hint: self.hint)
        assertEqual(
          two.map(\.finished), [true, true], "both width-2 results end with </s>. \(self.hint)")
      }

      let three = self.search(self.greedyIsNotOptimal, maxLength: 3, width: 3)
      assertEqual(
        three.map(\.tokens), [[1, 3], [0, 0, 3], [0, 1, 0]],
        "width 3 on the hand-worked table, best first. \(self.hint)")
      assertEqual(
        three.map(\.finished), [true, true, false],
        "finished flags of the width-3 results (0 1 0 is cut at maxLength). \(self.hint)")
    }
  }

  /// Exact ties, broken by the contract: the earlier hypothesis in the beam first, then the
  /// lower token id.
  ///
  /// Step 1: `0` and `1` tie at 0.4; token 0 comes first. Step 2: `0 1`, `0 </s>`, `1 0` and
  /// `1 </s>` all tie at 0.4 · 0.45; the two extensions of the earlier hypothesis `0` survive,
  /// `0 1` before `0 </s>`. `0 </s>` finishes; step 3 extends `0 1` under a uniform
  /// distribution, and token 0 wins.
  func testTiesPreferTheEarlierHypothesisThenTheLowerToken() throws {
    try exercise {
      let decoder = DecodingFixtures.TableDecoder(
        vocabularySize: 4,
        table: [
          []: [0.4, 0.4, 0.1, 0.1],
          [0]: [0.05, 0.45, 0.05, 0.45],
          [1]: [0.45, 0.05, 0.05, 0.45],
        ])
      let results = self.search(decoder, maxLength: 3, width: 2)
      assertEqual(
        results.map(\.tokens), [[0, 3], [0, 1, 0]],
        "results when extensions tie (earlier hypothesis first, then lower token id). "
          + self.hint)
    }
  }

  /// Uniform distributions with α = 1: `</s>` alone and every two-token sequence all score
  /// log 0.25. Ties in the final ranking keep the order in which the hypotheses finished.
  func testEqualScoresKeepFinishingOrder() throws {
    try exercise {
      let uniform = DecodingFixtures.TableDecoder(vocabularySize: 4, table: [:])
      let results = self.search(uniform, maxLength: 2, width: 4, alpha: 1)
      assertEqual(
        results.map(\.tokens), [[3], [0, 0], [0, 1], [0, 2]],
        "results when every score ties: </s> finished at step 1, then 0 0, 0 1, 0 2 at step 2 "
          + "(the beam had room for three more). \(self.hint)")
      assertEqual(
        results.map(\.finished), [true, false, false, false],
        "finished flags of the tied results. \(self.hint)")
    }
  }

  /// α = 0 prefers `</s>` alone (0.4, log -0.92) to `0 1 </s>` (0.5 · 0.8 · 0.8 = 0.32,
  /// log -1.14); α = 1 prefers `0 1 </s>` (-1.14 / 3 = -0.38) to `</s>` (-0.92 / 1).
  func testLengthPenaltyRanksTheFinishedHypotheses() throws {
    try exercise {
      let decoder = DecodingFixtures.TableDecoder(
        vocabularySize: 4,
        table: [
          []: [0.5, 0.05, 0.05, 0.4],
          [0]: [0.05, 0.8, 0.05, 0.1],
          [0, 1]: [0.05, 0.05, 0.1, 0.8],
        ])
      let raw = self.search(decoder, maxLength: 3, width: 2, alpha: 0)
      assertEqual(
        raw.map(\.tokens), [[3], [0, 1, 3]],
        "results with lengthPenalty 0 (plain log-probability). \(self.hint)")
      let normalized = self.search(decoder, maxLength: 3, width: 2, alpha: 1)
      assertEqual(
        normalized.map(\.tokens), [[0, 1, 3], [3]],
        "results with lengthPenalty 1: ranked by log p / |tokens| (</s> counts as a token), "
          + "not by log p. \(self.hint)")
      if normalized.count == 2 {
        assertClose(
          normalized[0].logProbability, log(0.32), tolerance: 1e-12,
          "log-probability of 0 1 </s> (not normalized)",
          hint: "the length penalty ranks; logProbability stays the plain sum. " + self.hint)
      }
    }
  }

  func testWidthOneIsGreedy() throws {
    try exercise {
      for seed in UInt64(8120)..<8140 {
        let v = 3 + Int(seed % 3)
        let end = Int(seed % 2)
        let maxLength = 1 + Int(seed % 6)
        let decoder = DecodingFixtures.RandomDecoder(vocabularySize: v, seed: seed)
        let expected = DecodingFixtures.greedy(
          end: end, maxLength: maxLength, decoder.logProbabilities)
        let label = "seed \(seed), V = \(v), end token \(end), maxLength = \(maxLength)"
        for alpha in [0, 0.7] {
          let results = beamSearch(
            initial: [], startToken: DecodingFixtures.start, endToken: end,
            maxLength: maxLength, width: 1, lengthPenalty: alpha, step: decoder.step)
          assertEqual(
            results.count, 1, "number of results of width 1 (\(label), α = \(alpha)). \(self.hint)")
          guard let first = results.first else { continue }
          assertEqual(
            first.tokens, expected.tokens,
            "width 1 gives the greedy sequence (\(label), α = \(alpha)). \(self.hint)")
          assertClose(
            first.logProbability, expected.logProbability, tolerance: 1e-12,
            "log-probability of the width-1 result (\(label), α = \(alpha))", hint: self.hint)
          assertEqual(
            first.finished, expected.finished,
            "finished flag of the width-1 result (\(label), α = \(alpha)). \(self.hint)")
        }
      }
    }
  }

  /// With width `V^maxLength` nothing is pruned: every possible sequence finishes, and the
  /// results are all of them, best first under the normalized score.
  func testUnprunedBeamFindsTheBestOfAllSequences() throws {
    try exercise {
      let shapes = [(v: 3, maxLength: 4), (v: 4, maxLength: 3), (v: 2, maxLength: 6)]
      for (index, shape) in shapes.enumerated() {
        for seed in UInt64(8150 + 10 * index)..<UInt64(8153 + 10 * index) {
          let decoder = DecodingFixtures.RandomDecoder(vocabularySize: shape.v, seed: seed)
          let end = shape.v - 1
          let all = DecodingFixtures.allSequences(
            vocabularySize: shape.v, end: end, maxLength: shape.maxLength,
            decoder.logProbabilities)
          let width = Int(pow(Double(shape.v), Double(shape.maxLength)))
          for alpha in [0, 0.6, 1.0] {
            let expected = all.sorted {
              DecodingFixtures.normalized($0, alpha) > DecodingFixtures.normalized($1, alpha)
            }
            let label = "seed \(seed), V = \(shape.v), maxLength = \(shape.maxLength), α = \(alpha)"
            let results = beamSearch(
              initial: [], startToken: DecodingFixtures.start, endToken: end,
              maxLength: shape.maxLength, width: width, lengthPenalty: alpha, step: decoder.step)
            assertEqual(
              results.first?.tokens, expected.first?.tokens,
              "best sequence of all \(all.count) (\(label)). \(self.hint)")
            assertClose(
              results.first?.logProbability ?? .nan, expected[0].logProbability,
              tolerance: 1e-12, "log-probability of the best sequence (\(label))",
              hint: self.hint)
            assertEqual(
              results.map(\.tokens), expected.map(\.tokens),
              "with width \(width) every sequence finishes; all of them, best first "
                + "(\(label)). \(self.hint)")
          }
        }
      }
    }
  }

  /// Random decoders and widths: what every result must satisfy, whatever was pruned.
  func testResultsAreCompleteSortedAndScoredAlongTheirPath() throws {
    try exercise {
      for seed in UInt64(8160)..<8180 {
        let v = 3 + Int(seed % 4)
        let end = Int(seed % 3)
        let maxLength = 2 + Int(seed % 6)
        let width = 2 + Int(seed % 4)
        let alpha = [0, 0.5, 1][Int(seed % 3)]
        let decoder = DecodingFixtures.RandomDecoder(vocabularySize: v, seed: seed)
        let label =
          "seed \(seed), V = \(v), end \(end), maxLength = \(maxLength), width \(width), "
          + "α = \(alpha)"
        let results = beamSearch(
          initial: [], startToken: DecodingFixtures.start, endToken: end, maxLength: maxLength,
          width: width, lengthPenalty: alpha, step: decoder.step)
        assertTrue(
          !results.isEmpty && results.count <= width,
          "between 1 and width results (\(label)): at most width hypotheses finish. \(self.hint)"
        )
        var complete = true
        var scored = true
        for r in results {
          let endsRight =
            !r.tokens.isEmpty && r.finished == (r.tokens.last == end)
            && !r.tokens.dropLast().contains(end)
            && (r.finished || r.tokens.count == maxLength) && r.tokens.count <= maxLength
            && r.tokens.allSatisfy { (0..<v).contains($0) }
          complete = complete && endsRight
          if endsRight {
            let path = DecodingFixtures.pathLogProbability(r.tokens, decoder.logProbabilities)
            scored = scored && abs(path - r.logProbability) <= 1e-12 * max(1, abs(path))
          }
        }
        assertTrue(
          complete,
          "every result ends at its only </s> (finished) or has maxLength tokens (not finished) "
            + "(\(label)). \(self.hint)")
        assertTrue(
          scored,
          "every result's log-probability is the sum along its tokens (\(label)). \(self.hint)")
        let scores = results.map { DecodingFixtures.normalized($0, alpha) }
        assertTrue(
          zip(scores, scores.dropFirst()).allSatisfy { $0 >= $1 },
          "results sorted best first by log p / |tokens|^α (\(label)). \(self.hint)")
        assertEqual(
          Set(results.map(\.tokens)).count, results.count,
          "no sequence is returned twice (\(label)). \(self.hint)")
      }
    }
  }
}
