import Foundation
import RNNCore

import struct Unit08.DecodedSequence

/// Test-local decoders for the tests of exercises 08.11 and 08.12, and the test's own
/// references: greedy choice step by step, and enumeration of every sequence.
///
/// A decoder's state is the list of tokens it has read, `<s>` first. Its step appends the token
/// it reads and returns log-probabilities that depend on the whole list, so a search that passes
/// the wrong previous token, or the state of another hypothesis, sees other numbers.
enum DecodingFixtures {
  static let lecture = "Lectures/08-seq2seq.md"

  /// `hint: check beamSearch (exercise 08.12, Lectures/08-seq2seq.md §7).`
  static func hint(_ exercise: String, _ title: String, section: Int) -> String {
    "hint: check \(title) (exercise \(exercise), \(lecture) §\(section))."
  }

  /// The start marker of the test decoders; it is not among the output tokens.
  static let start = 9

  /// `log softmax`, shifted by the maximum.
  static func logSoftmax(_ scores: [Double]) -> [Double] {
    let m = scores.max() ?? 0
    let logSum = m + log(scores.reduce(0) { $0 + exp($1 - m) })
    return scores.map { $0 - logSum }
  }

  /// A decoder with `V` output tokens whose next-token distribution after every prefix is a
  /// seeded random draw: Gaussian scores of standard deviation `scale`, log-softmax-normalized.
  struct RandomDecoder {
    var vocabularySize: Int
    var seed: UInt64
    var scale = 1.5

    /// The log-probabilities of the next token after reading `read` (`<s>` first).
    func logProbabilities(after read: [Int]) -> [Double] {
      var key = seed
      for token in read { key = (key ^ UInt64(token + 1)) &* 0x0000_0100_0000_01B3 }
      var rng = RandomSource(seed: key)
      return logSoftmax((0..<vocabularySize).map { _ in rng.gaussian(std: scale) })
    }

    func step(_ state: [Int], _ previous: Int) -> (logProbabilities: [Double], state: [Int]) {
      let read = state + [previous]
      return (logProbabilities(after: read), read)
    }
  }

  /// A decoder given by a table: the probabilities of the next token after each listed output
  /// prefix (the tokens after `<s>`), uniform after every prefix not listed.
  struct TableDecoder {
    var vocabularySize: Int
    var table: [[Int]: [Double]]

    func logProbabilities(after read: [Int]) -> [Double] {
      let output = Array(read.dropFirst())
      let p =
        table[output]
        ?? Array(repeating: 1 / Double(vocabularySize), count: vocabularySize)
      return p.map { log($0) }
    }

    func step(_ state: [Int], _ previous: Int) -> (logProbabilities: [Double], state: [Int]) {
      let read = state + [previous]
      return (logProbabilities(after: read), read)
    }
  }

  /// The sum of the log-probabilities along `tokens`, read from `<s>` on.
  static func pathLogProbability(
    _ tokens: [Int], _ logProbabilities: ([Int]) -> [Double]
  ) -> Double {
    var read = [start]
    var total = 0.0
    for token in tokens {
      total += logProbabilities(read)[token]
      read.append(token)
    }
    return total
  }

  /// The test's own greedy choice: the highest log-probability (lowest id on ties) until the
  /// end token or `maxLength` tokens.
  static func greedy(
    end: Int, maxLength: Int, _ logProbabilities: ([Int]) -> [Double]
  ) -> DecodedSequence {
    var read = [start]
    var tokens: [Int] = []
    var total = 0.0
    while tokens.count < maxLength {
      let p = logProbabilities(read)
      var best = 0
      for k in p.indices where p[k] > p[best] { best = k }
      tokens.append(best)
      read.append(best)
      total += p[best]
      if best == end {
        return DecodedSequence(tokens: tokens, logProbability: total, finished: true)
      }
    }
    return DecodedSequence(tokens: tokens, logProbability: total, finished: false)
  }

  /// Every complete sequence: it ends at the first end token, or has `maxLength` tokens.
  /// Listed depth first, lower tokens first.
  static func allSequences(
    vocabularySize: Int, end: Int, maxLength: Int, _ logProbabilities: ([Int]) -> [Double]
  ) -> [DecodedSequence] {
    var result: [DecodedSequence] = []
    func visit(_ tokens: [Int], _ total: Double) {
      let p = logProbabilities([start] + tokens)
      for k in 0..<vocabularySize {
        let extended = tokens + [k]
        if k == end || extended.count == maxLength {
          result.append(
            DecodedSequence(tokens: extended, logProbability: total + p[k], finished: k == end))
        } else {
          visit(extended, total + p[k])
        }
      }
    }
    visit([], 0)
    return result
  }

  /// `log p / |tokens|^α`, the test's own normalized score.
  static func normalized(_ sequence: DecodedSequence, _ alpha: Double) -> Double {
    sequence.logProbability / pow(Double(sequence.tokens.count), alpha)
  }
}
