import RNNCore

/// Kneser-Ney's continuation counts: in how many different contexts an n-gram was seen.
///
/// For a context `h` (a node of an ``NGramCounts``) and a word `w`:
/// - `N1+(• h w)`: the number of distinct tokens `v` with `c(v h w) > 0`, that is, how many
///   different ways the n-gram `h w` was *continued to the left* (``count(of:after:)``);
/// - `N1+(• h •)`: the sum of `N1+(• h w)` over all `w` (``total(after:)``);
/// - the number of distinct `w` with `N1+(• h w) > 0` (``distinctFollowers(of:)``).
///
/// The classic example: "Francisco" is frequent but almost always follows "San", so
/// `N1+(• Francisco) = 1`, while "glasses" follows many words. Continuation counts say how
/// likely a word is to appear after a context it has not yet been seen with. In backoff
/// Kneser-Ney that is the only time a lower order is consulted; in the interpolated
/// Kneser-Ney of this unit the lower order is mixed into every probability, but its weight
/// matters most exactly there.
///
/// Keys are the node ids of the ``NGramCounts`` the values were computed from.
public struct ContinuationCounts: Sendable {
  /// `(node, word) -> N1+(• h w)`.
  private(set) var table: [UInt64: Int] = [:]
  /// Per node: `N1+(• h •)`.
  private(set) var totals: [Int]
  /// Per node: the number of distinct `w` with `N1+(• h w) > 0`.
  private(set) var followers: [Int]

  /// Creates all-zero continuation counts for `nodeCount` context nodes.
  public init(nodeCount: Int) {
    totals = [Int](repeating: 0, count: nodeCount)
    followers = [Int](repeating: 0, count: nodeCount)
  }

  /// Adds `count` to `N1+(• h w)` for the context `node` and `word`, keeping the totals.
  public mutating func add(_ word: Int, after node: Int, count: Int = 1) {
    let key = NGramCounts.key(node, word)
    let old = table[key] ?? 0
    table[key] = old + count
    totals[node] += count
    if old == 0 { followers[node] += 1 }
  }

  /// `N1+(• h w)`.
  public func count(of word: Int, after node: Int) -> Int {
    table[NGramCounts.key(node, word)] ?? 0
  }

  /// `N1+(• h •)`.
  public func total(after node: Int) -> Int { totals[node] }

  /// The number of distinct `w` with `N1+(• h w) > 0`.
  public func distinctFollowers(of node: Int) -> Int { followers[node] }

  /// The continuation counts of `counts`, for every context node below the top order.
  ///
  /// Each distinct stored n-gram `v h w` (a context node `v h` of depth ≥ 1, one of its
  /// followers `w`) is one left-extension of the shorter n-gram `h w`, so it adds exactly 1 to
  /// `N1+(• h w)`, whatever its count. Nodes of depth ``NGramCounts/order`` − 1 (the top order)
  /// never receive any: nothing longer was counted.
  public static func computed(from counts: NGramCounts) -> ContinuationCounts {
    // Exercise 01.12: ContinuationCounts.computed.
    // Read Lectures/01-ngram-language-models.md §10, then replace this stub with your code.
    notImplemented(
      "01.12", "ContinuationCounts.computed", lecture: "Lectures/01-ngram-language-models.md §10")
  }
}
