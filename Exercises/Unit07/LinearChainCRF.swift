import Foundation
import RNNCore

/// A linear-chain conditional random field over `K` tags, the output layer of an LSTM-CRF.
///
/// For one sentence of `n` tokens with emission scores `E` (`n x K`, row `t` from the tagger
/// head at token `t`), a tag sequence `y = (y_0, ..., y_{n-1})` has the score
///
///     score(y) = start[y_0] + Σ_t E[t, y_t] + Σ_{t≥1} A[y_{t-1}, y_t] + end[y_{n-1}]
///
/// and the probability `p(y | x) = exp(score(y)) / Z`, where the partition function `Z` sums
/// `exp(score)` over all `K^n` sequences. Training minimizes `-log p(y | x)`; decoding finds the
/// sequence of highest score.
///
/// Parameter blocks: `transitions` (`A`, `K x K`, `A[i, j]` scores tag `j` right after tag
/// `i`), `start` (`1 x K`, the first tag) and `end` (`1 x K`, the last tag). Tags are indices
/// `0..<K`. An empty sentence (`n = 0`) has one tag sequence, the empty one, of score 0.
public struct LinearChainCRF: Parameterized, Sendable {
  /// `K x K`: `transitions[i, j]` is the score of tag `j` following tag `i`.
  public var transitions: Matrix
  /// `1 x K`: the score of starting a sentence with each tag.
  public var start: Matrix
  /// `1 x K`: the score of ending a sentence with each tag.
  public var end: Matrix

  /// A CRF with the given scores.
  public init(transitions: Matrix, start: Matrix, end: Matrix) {
    let k = transitions.rows
    shapePrecondition(
      k >= 1 && transitions.cols == k && start.rows == 1 && start.cols == k && end.rows == 1
        && end.cols == k,
      "LinearChainCRF: transitions \(transitions.shapeDescription) must be KxK (K ≥ 1) with "
        + "start and end 1xK; got start \(start.shapeDescription), end \(end.shapeDescription)")
    self.transitions = transitions
    self.start = start
    self.end = end
  }

  /// A CRF over `tagCount` tags with every score 0 (all sequences equally likely a priori).
  public init(tagCount: Int) {
    self.init(
      transitions: .zeros(tagCount, tagCount), start: .zeros(1, tagCount),
      end: .zeros(1, tagCount))
  }

  /// The number of tags `K`.
  public var tagCount: Int { transitions.rows }

  public mutating func visitParameters(_ body: (String, inout Matrix) throws -> Void) rethrows {
    try body("transitions", &transitions)
    try body("start", &start)
    try body("end", &end)
  }

  func checkEmissions(_ emissions: Matrix, _ caller: String) {
    shapePrecondition(
      emissions.cols == tagCount,
      "LinearChainCRF.\(caller): emissions of shape \(emissions.shapeDescription) for "
        + "\(tagCount) tags; expected n x \(tagCount)")
  }

  func checkTags(_ tags: [Int], _ emissions: Matrix, _ caller: String) {
    shapePrecondition(
      tags.count == emissions.rows,
      "LinearChainCRF.\(caller): \(tags.count) tags for emissions of shape "
        + "\(emissions.shapeDescription)")
    for (t, tag) in tags.enumerated() where !(0..<tagCount).contains(tag) {
      preconditionFailed("LinearChainCRF.\(caller): tag \(tag) at \(t) is outside 0..<\(tagCount)")
    }
  }

  /// The score of one tag sequence: start, emissions, transitions between neighbours, end.
  ///
  /// - Parameters:
  ///   - emissions: `n x K`.
  ///   - tags: `n` tag indices.
  /// - Returns: `score(y)` as defined above (0 for `n = 0`).
  public func score(emissions: Matrix, tags: [Int]) -> Double {
    checkEmissions(emissions, "score")
    checkTags(tags, emissions, "score")
    // Exercise 07.12: LinearChainCRF.score.
    // Read Lectures/07-bidirectional-deep-rnns.md §7, then replace this stub with your code.
    notImplemented(
      "07.12", "LinearChainCRF.score", lecture: "Lectures/07-bidirectional-deep-rnns.md §7")
  }

  /// The log-partition function `log Z`, by the forward algorithm in log space: `O(n K²)`
  /// work, finite for long sentences and large scores (never `exp` of a raw score).
  ///
  /// - Parameter emissions: `n x K`.
  /// - Returns: `log Σ_y exp(score(y))` over all `K^n` tag sequences (0 for `n = 0`).
  public func logPartition(emissions: Matrix) -> Double {
    checkEmissions(emissions, "logPartition")
    // Exercise 07.13: LinearChainCRF.logPartition.
    // Read Lectures/07-bidirectional-deep-rnns.md §7, then replace this stub with your code.
    notImplemented(
      "07.13", "LinearChainCRF.logPartition", lecture: "Lectures/07-bidirectional-deep-rnns.md §7")
  }

  /// The best tag sequence (Viterbi decoding with back-pointers).
  ///
  /// - Parameter emissions: `n x K`.
  /// - Returns: the sequence of highest ``score(emissions:tags:)`` and that score (`[]` and 0
  ///   for `n = 0`). Among sequences of equal score any one may be returned.
  public func viterbi(emissions: Matrix) -> (tags: [Int], score: Double) {
    checkEmissions(emissions, "viterbi")
    // Exercise 07.16: LinearChainCRF.viterbi.
    // Read Lectures/07-bidirectional-deep-rnns.md §9, then replace this stub with your code.
    notImplemented(
      "07.16", "LinearChainCRF.viterbi", lecture: "Lectures/07-bidirectional-deep-rnns.md §9")
  }
}
