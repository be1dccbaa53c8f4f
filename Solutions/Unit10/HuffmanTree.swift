import RNNCore

/// A binary Huffman tree over a vocabulary: the tree of a hierarchical softmax.
///
/// Words are the ids `0..<V` (`V >= 2`); they are the leaves. The `V - 1` inner nodes are
/// numbered `0..<V-1`, and inner node `n` owns row `n` of a ``HierarchicalSoftmax``'s
/// parameters. Every word has a path from the root to its leaf:
///
/// - `paths[w]`: the inner nodes on the way, from the root down to the parent of `w`;
/// - `codes[w]`: the branch taken at each of them, same length: `true` = right (bit 1),
///   `false` = left (bit 0).
///
/// The length of `codes[w]` is the depth of `w`, the number of binary decisions that predict
/// it. A tree built with ``build(counts:)`` gives frequent words short codes.
///
///     let tree = HuffmanTree.build(counts: [4, 2, 1, 1, 2, 6])
///     tree.paths[0]   // [4, 2]: the root (inner node 4), then inner node 2
///     tree.codes[0]   // [false, true]: left at the root, right at node 2
public struct HuffmanTree: Equatable, Sendable {
  /// `paths[w]`: the inner-node ids from the root down to the parent of word `w`.
  public let paths: [[Int]]
  /// `codes[w]`: the branch taken at each node of `paths[w]` (`true` = right, bit 1).
  public let codes: [[Bool]]

  /// A tree given by its paths and codes (such as one worked out by hand).
  ///
  /// It must describe a full binary tree with inner nodes `0..<V-1`: one root shared by every
  /// path, and no word's code a prefix of another's.
  public init(paths: [[Int]], codes: [[Bool]]) {
    shapePrecondition(
      paths.count >= 2 && paths.count == codes.count,
      "HuffmanTree: \(paths.count) paths and \(codes.count) codes; expected one of each for "
        + "each of at least 2 words")
    for (w, path) in paths.enumerated() {
      shapePrecondition(
        !path.isEmpty && path.count == codes[w].count
          && path.allSatisfy { (0..<paths.count - 1).contains($0) },
        "HuffmanTree: word \(w) has the path \(path) and the code \(codes[w]); expected equally "
          + "long, non-empty lists of inner nodes in 0..<\(paths.count - 1)")
    }
    self.paths = paths
    self.codes = codes
  }

  /// The vocabulary size `V`.
  public var wordCount: Int { paths.count }
  /// The number of inner nodes, `V - 1`.
  public var innerNodeCount: Int { paths.count - 1 }
  /// The length of the longest code.
  public var depth: Int { codes.map(\.count).max() ?? 0 }

  /// The mean code length in bits when word `w` occurs `counts[w]` times:
  /// `Σ_w counts[w] · |codes[w]| / Σ_w counts[w]` (0 when every count is 0).
  public func averageCodeLength(counts: [Int]) -> Double {
    shapePrecondition(
      counts.count == wordCount,
      "HuffmanTree.averageCodeLength: \(counts.count) counts for \(wordCount) words")
    let total = counts.reduce(0, +)
    guard total > 0 else { return 0 }
    let weighted = zip(counts, codes).reduce(0) { $0 + $1.0 * $1.1.count }
    return Double(weighted) / Double(total)
  }

  /// The Huffman tree of the unigram counts, built with a fixed tie-breaking rule so that
  /// every correct implementation builds the same tree.
  ///
  /// **Construction.** Keep a priority queue of subtrees, each with a count and a key, ordered
  /// by `(count, key)` ascending (the smaller count first; on equal counts, the smaller key).
  /// It starts with one leaf per word: word `w` has count `counts[w]` and key `w`. While more
  /// than one subtree is left, pop the two smallest; the first popped becomes the **left**
  /// child (code bit `false`, 0) and the second the **right** child (bit `true`, 1) of a new
  /// inner node whose count is the sum of theirs. The `k`-th inner node created (from 0) has
  /// id `k` and key `V + k`, so on equal counts a leaf comes before every inner node and an
  /// older inner node before a newer one. The last node created, inner node `V - 2`, is the
  /// root.
  ///
  /// Then `paths[w]` lists the inner nodes from the root down to the parent of `w`, and
  /// `codes[w]` the branch taken at each.
  ///
  /// - Parameter counts: `V >= 2` unigram counts, each `>= 0`.
  /// - Returns: the tree; a word with a larger count never has a longer code than a word with
  ///   a smaller count.
  /// - Complexity: `O(V log V)` to build, plus the total length of the codes.
  public static func build(counts: [Int]) -> HuffmanTree {
    shapePrecondition(
      counts.count >= 2 && counts.allSatisfy { $0 >= 0 },
      "HuffmanTree.build: \(counts.count) counts \(counts.prefix(8)); expected at least 2 "
        + "words with counts >= 0")
    // BEGIN SOLUTION 10.4 HuffmanTree.build(counts:) | Lectures/10-large-vocabularies.md §3
    let v = counts.count
    // Nodes are numbered by key: leaf w is w, inner node k is v + k. Inner nodes are created
    // with non-decreasing counts and increasing keys, so two queues sorted by (count, key)
    // give the minimum of the priority queue at one of their fronts.
    var nodeCount = counts + [Int](repeating: 0, count: v - 1)
    let leaves = (0..<v).sorted { (counts[$0], $0) < (counts[$1], $1) }
    var leafFront = 0
    var inner: [Int] = []
    var innerFront = 0
    var parent = [Int](repeating: -1, count: 2 * v - 1)
    var isRight = [Bool](repeating: false, count: 2 * v - 1)
    func popSmallest() -> Int {
      if leafFront < leaves.count {
        let leaf = leaves[leafFront]
        if innerFront == inner.count
          || (nodeCount[leaf], leaf) < (nodeCount[inner[innerFront]], inner[innerFront])
        {
          leafFront += 1
          return leaf
        }
      }
      innerFront += 1
      return inner[innerFront - 1]
    }
    for k in 0..<(v - 1) {
      let left = popSmallest()
      let right = popSmallest()
      let key = v + k
      nodeCount[key] = nodeCount[left] + nodeCount[right]
      parent[left] = k
      parent[right] = k
      isRight[right] = true
      inner.append(key)
    }
    var paths: [[Int]] = []
    var codes: [[Bool]] = []
    for w in 0..<v {
      var path: [Int] = []
      var code: [Bool] = []
      var node = w
      while parent[node] >= 0 {
        path.append(parent[node])
        code.append(isRight[node])
        node = v + parent[node]
      }
      paths.append(path.reversed())
      codes.append(code.reversed())
    }
    return HuffmanTree(paths: paths, codes: codes)
    // END SOLUTION
  }
}
