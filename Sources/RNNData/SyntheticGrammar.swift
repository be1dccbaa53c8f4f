import Foundation
import RNNCore

/// A probabilistic finite-state source of sentences whose entropy can be computed exactly.
///
/// The source is a set of states. Each visit to a state emits exactly one token, either a word
/// or the end of the sentence (`</s>`), chosen by the state's ``Arc``s, and moves to the arc's
/// target state. A sentence starts in ``start`` and stops when an end arc is taken.
///
/// The source is *unifilar*: from a given state, a given word always leads to the same next
/// state. So the hidden state sequence can be read off the words, every sentence has exactly one
/// path, its probability is a product of arc probabilities, and the entropy rate has a closed
/// form (see ``entropyPerToken``). The hidden state can still remember things many words back
/// (such as the subject's number across a prepositional phrase), which an n-gram model cannot.
public struct SyntheticGrammar: Sendable {
  /// One way out of a state: emit a token with some probability and move on.
  public struct Arc: Equatable, Sendable {
    /// Index into ``SyntheticGrammar/words``, or `nil` for the end of the sentence (`</s>`).
    public var word: Int?
    /// The probability of taking this arc from its state (the arcs of a state sum to 1).
    public var probability: Double
    /// The next state, or `nil` after the end of the sentence.
    public var target: Int?

    /// Creates an arc.
    public init(word: Int?, probability: Double, target: Int?) {
      self.word = word
      self.probability = probability
      self.target = target
    }
  }

  /// Every word the source can emit, without duplicates (`</s>` is not listed).
  public let words: [String]
  /// A readable name per state, for debugging and error messages.
  public let stateNames: [String]
  /// The arcs out of each state; each list sums to 1.
  public let arcs: [[Arc]]
  /// The state every sentence starts in.
  public let start: Int

  /// Cumulative arc probabilities per state, for sampling.
  private let cumulative: [[Double]]
  /// `(state, word) -> arc index`, for scoring; the end arc is stored under word `-1`.
  private let arcIndex: [Int: [Int: Int]]
  private let wordIndex: [String: Int]

  /// Creates a source and checks it: every state's arcs sum to 1 (within 1e-9), targets exist,
  /// no word leaves a state twice, and every state can reach the end.
  public init(words: [String], stateNames: [String], arcs: [[Arc]], start: Int) {
    precondition(
      stateNames.count == arcs.count,
      "SyntheticGrammar: \(stateNames.count) state names for \(arcs.count) arc lists")
    precondition(arcs.indices.contains(start), "SyntheticGrammar: no start state \(start)")
    var wordIndex: [String: Int] = [:]
    for (i, word) in words.enumerated() {
      precondition(wordIndex[word] == nil, "SyntheticGrammar: word \"\(word)\" is listed twice")
      wordIndex[word] = i
    }
    var arcIndex: [Int: [Int: Int]] = [:]
    var cumulative: [[Double]] = []
    for (state, out) in arcs.enumerated() {
      let total = out.reduce(0) { $0 + $1.probability }
      precondition(
        abs(total - 1) < 1e-9,
        "SyntheticGrammar: the arcs of state \(stateNames[state]) sum to \(total), not 1")
      var byWord: [Int: Int] = [:]
      var running = 0.0
      var sums: [Double] = []
      for (k, arc) in out.enumerated() {
        let key = arc.word ?? -1
        precondition(
          byWord[key] == nil,
          "SyntheticGrammar: state \(stateNames[state]) has two arcs for word \(key)")
        precondition(arc.probability > 0, "SyntheticGrammar: arc with probability 0")
        if let target = arc.target {
          precondition(arcs.indices.contains(target), "SyntheticGrammar: no state \(target)")
        }
        byWord[key] = k
        running += arc.probability
        sums.append(running)
      }
      arcIndex[state] = byWord
      cumulative.append(sums)
    }
    self.words = words
    self.stateNames = stateNames
    self.arcs = arcs
    self.start = start
    self.cumulative = cumulative
    self.arcIndex = arcIndex
    self.wordIndex = wordIndex
    precondition(
      expectedVisits().allSatisfy { $0.isFinite && $0 >= 0 },
      "SyntheticGrammar: some state cannot reach the end of the sentence")
  }

  /// Draws one sentence.
  ///
  /// - Returns: the words (without `<s>` or `</s>`) and the sentence's log-probability in nats,
  ///   which includes the probability of ending where it ended.
  public func sample(using rng: inout RandomSource) -> (words: [String], logProbability: Double) {
    var state = start
    var sentence: [String] = []
    var logProbability = 0.0
    while true {
      let sums = cumulative[state]
      let u = rng.uniform() * (sums.last ?? 1)
      var k = 0
      while k < sums.count - 1 && sums[k] <= u { k += 1 }
      let arc = arcs[state][k]
      logProbability += log(arc.probability)
      if let word = arc.word { sentence.append(words[word]) }
      guard let next = arc.target else { break }
      state = next
    }
    return (sentence, logProbability)
  }

  /// The log-probability (nats) of a sentence, `</s>` included, or `-infinity` if the source
  /// cannot produce it (an unknown word, a word that cannot follow, or an early end).
  public func logProbability(of sentence: [String]) -> Double {
    var state: Int? = start
    var total = 0.0
    for token in sentence.map({ wordIndex[$0] ?? -2 }) + [-1] {
      guard let current = state, let k = arcIndex[current]?[token] else { return -.infinity }
      let arc = arcs[current][k]
      total += log(arc.probability)
      state = arc.target
    }
    return total
  }

  /// The expected number of visits to each state in one sentence.
  ///
  /// With `Q[s][t]` the probability of moving from `s` to `t`, the visits `v` solve
  /// `v = e_start + Qᵀ v`, a linear system solved here by Gaussian elimination.
  public func expectedVisits() -> [Double] {
    let n = arcs.count
    // Build (I - Qᵀ) as a dense n x n system; n is a few dozen states.
    var a = [Double](repeating: 0, count: n * n)
    for i in 0..<n { a[i * n + i] = 1 }
    for (s, out) in arcs.enumerated() {
      for arc in out {
        if let t = arc.target { a[t * n + s] -= arc.probability }
      }
    }
    var b = [Double](repeating: 0, count: n)
    b[start] = 1
    return Self.solve(a, b, n: n)
  }

  /// The entropy rate of the source per token, counting every word and the `</s>` of every
  /// sentence (the `<s>` is given, not predicted).
  ///
  /// Each state visit emits one token, so over many sentences the average is
  /// `H = Σ_s v_s H(s) / Σ_s v_s`, where `v_s` is the expected number of visits to state `s` per
  /// sentence and `H(s) = -Σ_arcs p log p` is the entropy of the state's choice. No model can
  /// beat this on average: it is the cross-entropy of the source with itself.
  public var entropyPerToken: Entropy {
    let visits = expectedVisits()
    var information = 0.0
    var tokens = 0.0
    for (s, out) in arcs.enumerated() {
      let h = out.reduce(0) { $0 - $1.probability * log($1.probability) }
      information += visits[s] * h
      tokens += visits[s]
    }
    return Entropy(nats: information / tokens)
  }

  /// The expected number of tokens per sentence, `</s>` included.
  public var expectedTokensPerSentence: Double {
    expectedVisits().reduce(0, +)
  }

  /// Solves `a x = b` (row-major `n x n`) with partial pivoting; a singular system gives
  /// non-finite entries, which the initializer rejects.
  private static func solve(_ matrix: [Double], _ rhs: [Double], n: Int) -> [Double] {
    var a = matrix
    var b = rhs
    for column in 0..<n {
      var pivot = column
      for row in column..<n where abs(a[row * n + column]) > abs(a[pivot * n + column]) {
        pivot = row
      }
      if pivot != column {
        for k in 0..<n { a.swapAt(column * n + k, pivot * n + k) }
        b.swapAt(column, pivot)
      }
      let p = a[column * n + column]
      if abs(p) < 1e-14 { return [Double](repeating: .nan, count: n) }
      for row in (column + 1)..<n {
        let factor = a[row * n + column] / p
        if factor == 0 { continue }
        for k in column..<n { a[row * n + k] -= factor * a[column * n + k] }
        b[row] -= factor * b[column]
      }
    }
    var x = [Double](repeating: 0, count: n)
    for row in stride(from: n - 1, through: 0, by: -1) {
      var s = b[row]
      for k in (row + 1)..<n { s -= a[row * n + k] * x[k] }
      x[row] = s / a[row * n + row]
    }
    return x
  }
}
