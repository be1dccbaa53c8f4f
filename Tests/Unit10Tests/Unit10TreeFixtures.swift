import Foundation
import RNNCore

/// Trees, weights and test-local references for the tests of the Huffman tree and the
/// hierarchical softmax (exercises 10.4-10.6). The references follow the contracts and read
/// only the parameters, the paths and the codes, never an exercise.
enum Unit10TreeFixtures {
  static let lecture = "Lectures/10-large-vocabularies.md"

  /// `hint: check HuffmanTree.build (exercise 10.4, Lectures/10-large-vocabularies.md §3).`
  static func hint(_ exercise: String, _ title: String) -> String {
    "hint: check \(title) (exercise \(exercise), \(lecture) §3)."
  }

  // MARK: The hand-worked tree

  /// Six words with ties among the leaves and between a leaf and an inner node.
  ///
  /// Worked by hand with the rule of `HuffmanTree.build`: the queue is ordered by
  /// (count, key), leaf `w` has key `w`, inner node `k` has key `6 + k`.
  ///
  ///     queue (count, key)                          pop first, second    new node
  ///     (4,0) (2,1) (1,2) (1,3) (2,4) (6,5)         w2, w3               n0 = 2 (key 6)
  ///     (4,0) (2,1) (2,4) (6,5) (2,6)               w1, w4               n1 = 4 (key 7)
  ///     (4,0) (6,5) (2,6) (4,7)                     n0, w0               n2 = 6 (key 8)
  ///     (6,5) (4,7) (6,8)                           n1, w5               n3 = 10 (key 9)
  ///     (6,8) (10,9)                                n2, n3               n4 = 16 (root)
  ///
  /// The first popped is the left child (bit 0), the second the right child (bit 1):
  ///
  ///     word  count  path       code
  ///     0     4      [4, 2]     01
  ///     1     2      [4, 3, 1]  100
  ///     2     1      [4, 2, 0]  000
  ///     3     1      [4, 2, 0]  001
  ///     4     2      [4, 3, 1]  101
  ///     5     6      [4, 3]     11
  static let handCounts = [4, 2, 1, 1, 2, 6]
  static let handPaths = [[4, 2], [4, 3, 1], [4, 2, 0], [4, 2, 0], [4, 3, 1], [4, 3]]
  static let handCodes = [
    [false, true], [true, false, false], [false, false, false], [false, false, true],
    [true, false, true], [true, true],
  ]

  /// The smallest tree: one inner node, word 0 on the left, word 1 on the right.
  static let twoWordPaths = [[0], [0]]
  static let twoWordCodes = [[false], [true]]

  // MARK: A reference Huffman builder

  /// The rule of `HuffmanTree.build`, written as plainly as possible: scan the whole list of
  /// subtrees for the smallest (count, key) twice per merge. `O(V²)`; returns (paths, codes).
  static func referenceHuffman(_ counts: [Int]) -> (paths: [[Int]], codes: [[Bool]]) {
    let v = counts.count
    // (count, key) of every live subtree; key < v is a leaf, key v + k inner node k.
    var live = counts.enumerated().map { (count: $0.element, key: $0.offset) }
    var parent = [Int: (node: Int, right: Bool)]()
    for k in 0..<(v - 1) {
      var popped: [(count: Int, key: Int)] = []
      for _ in 0..<2 {
        var best = 0
        for i in live.indices
        where (live[i].count, live[i].key) < (live[best].count, live[best].key) {
          best = i
        }
        popped.append(live.remove(at: best))
      }
      parent[popped[0].key] = (k, false)
      parent[popped[1].key] = (k, true)
      live.append((popped[0].count + popped[1].count, v + k))
    }
    var paths: [[Int]] = []
    var codes: [[Bool]] = []
    for w in 0..<v {
      var path: [Int] = []
      var code: [Bool] = []
      var key = w
      while let up = parent[key] {
        path.insert(up.node, at: 0)
        code.insert(up.right, at: 0)
        key = v + up.node
      }
      paths.append(path)
      codes.append(code)
    }
    return (paths, codes)
  }

  /// Counts shaped like a word list: a Zipf law `⌊scale / (rank + 1)⌋` in a seeded order, so
  /// that frequent words are not simply the small ids, with ties among the rare ones.
  static func zipfCounts(_ v: Int, seed: UInt64, scale: Double = 600) -> [Int] {
    var rng = RandomSource(seed: seed)
    let ranks = rng.permutation(v)
    return ranks.map { Int(scale / Double($0 + 1)) }
  }

  /// The count vectors the property tests run on: ties everywhere, zeros, powers of two,
  /// a Zipf law, the smallest vocabularies.
  static let countSets: [[Int]] = [
    handCounts, [1, 1], [0, 5], [3, 3, 3], [1, 1, 1, 1, 1, 1, 1, 1], [1, 2, 4, 8, 16, 32],
    [0, 0, 0, 7, 0, 2], [5, 1, 5, 1, 5, 1, 5], [10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 1],
    zipfCounts(40, seed: 1040), zipfCounts(25, seed: 1041, scale: 50),
  ]

  // MARK: The hierarchical softmax

  /// Non-symmetric node vectors and biases for a tree of `v` words: `(V-1) x H` and
  /// `1 x (V-1)`.
  static func nodes(
    words v: Int, hidden: Int = 4, seed: UInt64, scale: Double = 0.8
  ) -> (weight: Matrix, bias: Matrix) {
    var rng = RandomSource(seed: seed)
    return (
      .gaussian(v - 1, hidden, std: scale, rng: &rng),
      .gaussian(1, v - 1, std: 0.5, rng: &rng)
    )
  }

  static func hidden(seed: UInt64, rows: Int = 7, cols: Int = 4, scale: Double = 1) -> Matrix {
    var rng = RandomSource(seed: seed)
    return .gaussian(rows, cols, std: scale, rng: &rng)
  }

  /// Targets of the hand tree: repeated words, and every inner node on several paths.
  static let handTargets = [3, 0, 5, 2, 3, 1, 4]

  /// `log σ(x)` by cases, so that `exp` only sees non-positive arguments.
  static func logSigmoid(_ x: Double) -> Double {
    x >= 0 ? -log(1 + exp(-x)) : x - log(1 + exp(x))
  }

  /// `log p(w | h)` from the contract: the sum over the path of `log σ(s)` going right and
  /// `log σ(-s)` going left, with `s = h · v_n + b_n`.
  static func logProbability(
    word w: Int, context h: [Double], weight: Matrix, bias: Matrix, paths: [[Int]],
    codes: [[Bool]]
  ) -> Double {
    var total = 0.0
    for (node, right) in zip(paths[w], codes[w]) {
      var s = bias[0, node]
      for j in h.indices { s += h[j] * weight[node, j] }
      total += logSigmoid(right ? s : -s)
    }
    return total
  }

  /// The mean of `-log p(targets[b] | h_b)` over the rows (0 for no rows).
  static func loss(
    weight: Matrix, bias: Matrix, paths: [[Int]], codes: [[Bool]], hidden: Matrix,
    targets: [Int]
  ) -> Double {
    guard !targets.isEmpty else { return 0 }
    var total = 0.0
    for (b, w) in targets.enumerated() {
      total -= logProbability(
        word: w, context: hidden.row(b), weight: weight, bias: bias, paths: paths, codes: codes)
    }
    return total / Double(targets.count)
  }
}
