import CourseTestSupport
import Foundation
import RNNCore
import XCTest

import struct Unit08.DecodedSequence
import func Unit08.beamSearch
import func Unit08.greedyDecode

/// Hidden tests of unit 08's decoding exercises (08.11, 08.12) on random decoders drawn from the
/// grading seed: some with Gaussian scores, some with small integer scores so that exact ties
/// are frequent. Greedy decoding is compared with the test's own step-by-step choice, beam
/// search with the test's own beam search (which follows the contract's pruning, shrinking
/// and tie rules) and, with a width that prunes nothing, with enumeration of every sequence.
final class Unit08DecodingHiddenTests: XCTestCase {
  static let start = 11

  /// A decoder whose next-token log-probabilities after every prefix (`<s>` first) are a
  /// seeded draw: Gaussian scores, or integer scores in 0...2 (many ties).
  struct Decoder {
    var vocabularySize: Int
    var seed: UInt64
    var integerScores: Bool

    func logProbabilities(_ read: [Int]) -> [Double] {
      var key = seed ^ 0x5851_F42D_4C95_7F2D
      for token in read { key = (key &+ UInt64(token) &+ 17) &* 0x2545_F491_4F6C_DD1D }
      var rng = RandomSource(seed: key)
      let scores = (0..<vocabularySize).map { _ in
        integerScores ? Double(rng.int(below: 3)) : rng.gaussian(std: 2)
      }
      let m = scores.max() ?? 0
      let logSum = m + log(scores.map { exp($0 - m) }.reduce(0, +))
      return scores.map { $0 - logSum }
    }

    func step(_ state: [Int], _ previous: Int) -> (logProbabilities: [Double], state: [Int]) {
      (logProbabilities(state + [previous]), state + [previous])
    }
  }

  static func randomDecoder(_ rng: inout RandomSource, vocabulary: ClosedRange<Int>) -> Decoder {
    Decoder(
      vocabularySize: vocabulary.lowerBound
        + rng.int(below: vocabulary.upperBound - vocabulary.lowerBound + 1),
      seed: rng.next(), integerScores: rng.int(below: 2) == 0)
  }

  static func greedy(_ d: Decoder, end: Int, maxLength: Int) -> DecodedSequence {
    var tokens: [Int] = []
    var total = 0.0
    while tokens.count < maxLength {
      let p = d.logProbabilities([start] + tokens)
      let best = p.indices.first { p[$0] == p.max() } ?? 0
      tokens.append(best)
      total += p[best]
      if best == end { break }
    }
    return DecodedSequence(tokens: tokens, logProbability: total, finished: tokens.last == end)
  }

  /// The contract's beam search, written independently: rank every extension by (log p
  /// descending, beam position, token), keep as many as there is room for, retire the finished
  /// ones, and rank the finished by normalized score with finishing order on ties.
  static func referenceBeam(
    _ d: Decoder, end: Int, maxLength: Int, width: Int, alpha: Double
  ) -> [DecodedSequence] {
    var beam: [(tokens: [Int], logP: Double)] = [([], 0)]
    var done: [DecodedSequence] = []
    while !beam.isEmpty {
      var extensions: [(position: Int, token: Int, logP: Double)] = []
      for (position, h) in beam.enumerated() {
        let p = d.logProbabilities([start] + h.tokens)
        extensions += p.indices.map { (position, $0, h.logP + p[$0]) }
      }
      extensions.sort {
        ($0.logP, -$0.position, -$0.token) > ($1.logP, -$1.position, -$1.token)
      }
      var kept: [(tokens: [Int], logP: Double)] = []
      for e in extensions.prefix(width - done.count) {
        let tokens = beam[e.position].tokens + [e.token]
        if e.token == end || tokens.count == maxLength {
          done.append(
            DecodedSequence(tokens: tokens, logProbability: e.logP, finished: e.token == end))
        } else {
          kept.append((tokens, e.logP))
        }
      }
      beam = kept
    }
    func score(_ s: DecodedSequence) -> Double {
      s.logProbability / pow(Double(s.tokens.count), alpha)
    }
    return done.indices.sorted {
      score(done[$0]) != score(done[$1]) ? score(done[$0]) > score(done[$1]) : $0 < $1
    }.map { done[$0] }
  }

  static func allSequences(_ d: Decoder, end: Int, maxLength: Int) -> [DecodedSequence] {
    var out: [DecodedSequence] = []
    var stack: [(tokens: [Int], logP: Double)] = [([], 0)]
    while let (tokens, logP) = stack.popLast() {
      let p = d.logProbabilities([start] + tokens)
      for k in p.indices {
        let next = tokens + [k]
        if k == end || next.count == maxLength {
          out.append(DecodedSequence(tokens: next, logProbability: logP + p[k], finished: k == end))
        } else {
          stack.append((next, logP + p[k]))
        }
      }
    }
    return out
  }

  static func sameLogProbabilities(_ a: [DecodedSequence], _ b: [DecodedSequence]) -> Bool {
    a.count == b.count
      && zip(a, b).allSatisfy {
        abs($0.logProbability - $1.logProbability) <= 1e-12 * max(1, abs($1.logProbability))
      }
  }

  func testGreedyOnRandomDecoders() throws {
    try exercise {
      var rng = RandomSource(seed: gradingSeed(8201))
      let hint = "hint: check greedyDecode (exercise 08.11, Lectures/08-seq2seq.md §7)."
      for case_ in 0..<40 {
        let d = Self.randomDecoder(&rng, vocabulary: 2...7)
        let end = rng.int(below: d.vocabularySize)
        let maxLength = 1 + rng.int(below: 9)
        let expected = Self.greedy(d, end: end, maxLength: maxLength)
        let result = greedyDecode(
          initial: [], startToken: Self.start, endToken: end, maxLength: maxLength, step: d.step)
        assertEqual(
          result.tokens, expected.tokens, "tokens of random decoder \(case_). \(hint)")
        assertClose(
          result.logProbability, expected.logProbability, tolerance: 1e-12,
          "log-probability of random decoder \(case_)", hint: hint)
        assertEqual(
          result.finished, expected.finished, "finished, random decoder \(case_). \(hint)")
      }
    }
  }

  func testBeamSearchFollowsTheContractOnRandomDecoders() throws {
    try exercise {
      var rng = RandomSource(seed: gradingSeed(8202))
      let hint = "hint: check beamSearch (exercise 08.12, Lectures/08-seq2seq.md §7)."
      for case_ in 0..<40 {
        let d = Self.randomDecoder(&rng, vocabulary: 2...6)
        let end = rng.int(below: d.vocabularySize)
        let maxLength = 1 + rng.int(below: 6)
        let width = 1 + rng.int(below: 6)
        let alpha = [0, 0.3, 0.6, 1][rng.int(below: 4)]
        let expected = Self.referenceBeam(
          d, end: end, maxLength: maxLength, width: width, alpha: alpha)
        let results = beamSearch(
          initial: [], startToken: Self.start, endToken: end, maxLength: maxLength, width: width,
          lengthPenalty: alpha, step: d.step)
        assertEqual(
          results.map(\.tokens), expected.map(\.tokens),
          "results of random decoder \(case_) (pruning, shrinking, ties, ranking). \(hint)")
        assertEqual(
          results.map(\.finished), expected.map(\.finished),
          "finished flags of random decoder \(case_). \(hint)")
        assertTrue(
          Self.sameLogProbabilities(results, expected),
          "log-probabilities of random decoder \(case_). \(hint)")
      }
    }
  }

  func testUnprunedBeamReturnsEverySequenceBestFirst() throws {
    try exercise {
      var rng = RandomSource(seed: gradingSeed(8203))
      let hint = "hint: check beamSearch (exercise 08.12, Lectures/08-seq2seq.md §7)."
      for case_ in 0..<8 {
        var d = Self.randomDecoder(&rng, vocabulary: 2...4)
        d.integerScores = false
        let maxLength = d.vocabularySize == 4 ? 3 : 4
        let end = rng.int(below: d.vocabularySize)
        let alpha = rng.uniform(0, 1.2)
        let all = Self.allSequences(d, end: end, maxLength: maxLength)
        let expected = all.sorted {
          $0.logProbability / pow(Double($0.tokens.count), alpha)
            > $1.logProbability / pow(Double($1.tokens.count), alpha)
        }
        let results = beamSearch(
          initial: [], startToken: Self.start, endToken: end, maxLength: maxLength,
          width: Int(pow(Double(d.vocabularySize), Double(maxLength))), lengthPenalty: alpha,
          step: d.step)
        assertEqual(
          results.map(\.tokens), expected.map(\.tokens),
          "every sequence of random decoder \(case_), best first. \(hint)")
        assertTrue(
          Self.sameLogProbabilities(results, expected),
          "log-probabilities of every sequence of random decoder \(case_). \(hint)")
      }
    }
  }
}
