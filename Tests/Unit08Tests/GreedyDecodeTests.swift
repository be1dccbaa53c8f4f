import CourseTestSupport
import Foundation
import XCTest

import func Unit08.greedyDecode

/// Exercise 08.11: `greedyDecode`, the most probable token at every step, on test-local
/// decoders with four output tokens (token 3 is `</s>`): a hand-worked table first, then the
/// stopping rules, ties, and random decoders against the test's own step-by-step choice.
final class GreedyDecodeTests: XCTestCase {
  let hint = DecodingFixtures.hint("08.11", "greedyDecode", section: 7)
  let end = 3

  /// After `<s>` the table prefers 1 (0.5), after `1` it prefers 0 (0.6), after `1 0` the end
  /// token (0.4), so greedy decoding reads `1 0 </s>` with probability 0.5 · 0.6 · 0.4 = 0.12.
  let handWorked = DecodingFixtures.TableDecoder(
    vocabularySize: 4,
    table: [
      []: [0.1, 0.5, 0.3, 0.1],
      [1]: [0.6, 0.1, 0.1, 0.2],
      [1, 0]: [0.2, 0.1, 0.3, 0.4],
    ])

  func testHandWorkedTable() throws {
    try exercise {
      let result = greedyDecode(
        initial: [], startToken: DecodingFixtures.start, endToken: self.end, maxLength: 10,
        step: self.handWorked.step)
      assertEqual(
        result.tokens, [1, 0, 3],
        "tokens of the hand-worked table: the most probable token after the tokens chosen so "
          + "far, ending with </s>. \(self.hint)")
      assertClose(
        result.logProbability, log(0.12), tolerance: 1e-12,
        "log-probability of 1 0 </s> (log 0.5 + log 0.6 + log 0.4)",
        hint: "sum the log-probabilities of the chosen tokens, </s> included. " + self.hint)
      assertTrue(result.finished, "1 0 </s> is finished (it ends with the end token). \(self.hint)")
    }
  }

  func testStopsRightAfterTheEndToken() throws {
    try exercise {
      let decoder = DecodingFixtures.TableDecoder(
        vocabularySize: 4, table: [[]: [0.2, 0.1, 0.1, 0.6]])
      let result = greedyDecode(
        initial: [], startToken: DecodingFixtures.start, endToken: self.end, maxLength: 5,
        step: decoder.step)
      assertEqual(
        result.tokens, [3], "tokens when </s> is the most probable first token. \(self.hint)")
      assertClose(
        result.logProbability, log(0.6), tolerance: 1e-12,
        "log-probability when </s> comes first", hint: self.hint)
      assertTrue(result.finished, "a sequence of only </s> is finished. \(self.hint)")
    }
  }

  func testStopsAtMaxLength() throws {
    try exercise {
      for (maxLength, tokens, p) in [(1, [1], 0.5), (2, [1, 0], 0.3)] {
        let result = greedyDecode(
          initial: [], startToken: DecodingFixtures.start, endToken: self.end,
          maxLength: maxLength, step: self.handWorked.step)
        assertEqual(
          result.tokens, tokens,
          "tokens of the hand-worked table cut at maxLength = \(maxLength). \(self.hint)")
        assertClose(
          result.logProbability, log(p), tolerance: 1e-12,
          "log-probability cut at maxLength = \(maxLength)", hint: self.hint)
        assertFalse(
          result.finished,
          "a sequence cut at maxLength = \(maxLength) without </s> is not finished. "
            + self.hint)
      }
      // The end token chosen as the last allowed token: cut and finished at once.
      let result = greedyDecode(
        initial: [], startToken: DecodingFixtures.start, endToken: self.end, maxLength: 3,
        step: self.handWorked.step)
      assertEqual(
        result.tokens, [1, 0, 3], "tokens when </s> is the maxLength-th token. \(self.hint)")
      assertTrue(
        result.finished, "a sequence whose last allowed token is </s> is finished. \(self.hint)")
    }
  }

  func testTiesGoToTheLowestTokenId() throws {
    try exercise {
      // Uniform everywhere: every step ties, and token 0 wins each time.
      let uniform = DecodingFixtures.TableDecoder(vocabularySize: 4, table: [:])
      let result = greedyDecode(
        initial: [], startToken: DecodingFixtures.start, endToken: self.end, maxLength: 3,
        step: uniform.step)
      assertEqual(
        result.tokens, [0, 0, 0],
        "tokens when all four tokens tie at every step (the lowest id wins). \(self.hint)")
      assertClose(
        result.logProbability, 3 * log(0.25), tolerance: 1e-12,
        "log-probability of three uniform choices", hint: self.hint)
      assertFalse(result.finished, "0 0 0 is cut at maxLength = 3. \(self.hint)")

      let twoWay = DecodingFixtures.TableDecoder(
        vocabularySize: 4, table: [[]: [0.1, 0.4, 0.1, 0.4], [1]: [0.1, 0.1, 0.4, 0.4]])
      let tie = greedyDecode(
        initial: [], startToken: DecodingFixtures.start, endToken: self.end, maxLength: 2,
        step: twoWay.step)
      assertEqual(
        tie.tokens, [1, 2],
        "tokens when 1 ties with </s> and then 2 ties with </s> (the lower id wins). "
          + self.hint)
    }
  }

  /// Random decoders whose distributions depend on the whole prefix, against the test's own
  /// step-by-step choice.
  func testRandomDecodersMatchStepByStepChoice() throws {
    try exercise {
      for seed in UInt64(8110)..<8130 {
        let v = 3 + Int(seed % 4)
        let end = Int(seed % 3)
        let maxLength = 1 + Int(seed % 7)
        let decoder = DecodingFixtures.RandomDecoder(vocabularySize: v, seed: seed)
        let expected = DecodingFixtures.greedy(
          end: end, maxLength: maxLength, decoder.logProbabilities)
        let result = greedyDecode(
          initial: [], startToken: DecodingFixtures.start, endToken: end, maxLength: maxLength,
          step: decoder.step)
        let label = "seed \(seed), V = \(v), end token \(end), maxLength = \(maxLength)"
        assertEqual(
          result.tokens, expected.tokens,
          "tokens (\(label)); each step reads the token chosen before it, from the state the "
            + "step before returned. \(self.hint)")
        assertClose(
          result.logProbability, expected.logProbability, tolerance: 1e-12,
          "log-probability (\(label))", hint: self.hint)
        assertEqual(result.finished, expected.finished, "finished (\(label)). \(self.hint)")
      }
    }
  }
}
