import Foundation
import RNNCore
import RNNTraining

/// The hierarchical softmax: an output layer that predicts a word by a chain of binary
/// decisions down a ``HuffmanTree`` instead of one softmax over the whole vocabulary.
///
/// Inner node `n` of the tree has a vector `v_n` (row `n` of ``nodeWeight``) and a bias `b_n`
/// (column `n` of ``nodeBias``). For a context vector `h` (`1 x H`) its score is
///
///     s_n = h · v_n + b_n
///
/// and the branch taken at `n` has probability `σ(s_n)` to the **right** (code bit `true`, 1)
/// and `σ(-s_n)` to the **left** (bit `false`, 0); the two add up to 1. The probability of a
/// word is the product over its path,
///
///     p(w | h) = Π_i σ(±s_{n_i})     with n_i = paths[w][i], + where codes[w][i] is true
///
/// so the probabilities of all `V` words sum to 1 for every `h`. Predicting one word costs
/// `O(depth · H)` instead of the full softmax's `O(V H)`.
///
/// Parameter blocks: `nodeWeight` (`(V-1) x H`) and `nodeBias` (`1 x (V-1)`). The tree is fixed
/// (not a parameter).
public struct HierarchicalSoftmax: Parameterized, Equatable, Sendable {
  /// `(V-1) x H`: row `n` is the vector `v_n` of inner node `n`.
  public var nodeWeight: Matrix
  /// `1 x (V-1)`: column `n` is the bias `b_n` of inner node `n`.
  public var nodeBias: Matrix
  /// The tree: the path and the code of every word.
  public let tree: HuffmanTree

  /// A layer with the given weights.
  public init(nodeWeight: Matrix, nodeBias: Matrix, tree: HuffmanTree) {
    shapePrecondition(
      nodeWeight.rows == tree.innerNodeCount && nodeBias.rows == 1
        && nodeBias.cols == tree.innerNodeCount,
      "HierarchicalSoftmax: a tree of \(tree.wordCount) words needs nodeWeight of shape "
        + "\(tree.innerNodeCount)xH and nodeBias of shape 1x\(tree.innerNodeCount), got "
        + "\(nodeWeight.shapeDescription) and \(nodeBias.shapeDescription)")
    self.nodeWeight = nodeWeight
    self.nodeBias = nodeBias
    self.tree = tree
  }

  /// A layer with small Gaussian node vectors (standard deviation `1/√H`) and zero biases.
  public init(hiddenSize: Int, tree: HuffmanTree, rng: inout RandomSource) {
    self.init(
      nodeWeight: .gaussian(
        tree.innerNodeCount, hiddenSize, std: 1 / Double(Swift.max(hiddenSize, 1)).squareRoot(),
        rng: &rng),
      nodeBias: .zeros(1, tree.innerNodeCount), tree: tree)
  }

  /// The vocabulary size `V`.
  public var vocabularySize: Int { tree.wordCount }
  /// The width `H` of the context vectors it reads.
  public var hiddenSize: Int { nodeWeight.cols }

  public mutating func visitParameters(_ body: (String, inout Matrix) throws -> Void) rethrows {
    try body("nodeWeight", &nodeWeight)
    try body("nodeBias", &nodeBias)
  }

  /// What ``lossAndCache(hidden:targets:)`` keeps for ``backward(_:)``.
  public struct Cache: Sendable {
    /// The context vectors, `B x H`.
    public var hidden: Matrix
    /// The `B` target words.
    public var targets: [Int]
    /// `scores[b][i]`: the score `s_n` of row `b` at the `i`-th node `n` of the path of
    /// `targets[b]` (root first).
    public var scores: [[Double]]

    public init(hidden: Matrix, targets: [Int], scores: [[Double]]) {
      self.hidden = hidden
      self.targets = targets
      self.scores = scores
    }
  }

  /// `log σ(x)`, finite for every finite `x`: `-log(1 + e^-x)` rewritten so that `exp` never
  /// overflows.
  static func logSigmoid(_ x: Double) -> Double {
    Swift.min(x, 0) - log1p(exp(-abs(x)))
  }

  /// The log-probability of every word for every context: `B x V`, row `b` holds
  /// `log p(w | h_b)` for `w = 0..<V` (each row's probabilities sum to 1).
  ///
  /// - Complexity: `O(B V H)`: all the scores, then every word's path. For tests and small
  ///   vocabularies; training uses ``lossAndCache(hidden:targets:)``.
  public func logProbabilities(hidden: Matrix) -> Matrix {
    shapePrecondition(
      hidden.cols == hiddenSize,
      "HierarchicalSoftmax.logProbabilities: hidden of shape \(hidden.shapeDescription) for a "
        + "layer that reads \(hiddenSize) columns")
    let scores = hidden.matmul(nodeWeight, transposeOther: true).adding(rowVector: nodeBias)
    return Matrix(rows: hidden.rows, cols: vocabularySize) { b, w in
      zip(tree.paths[w], tree.codes[w]).reduce(0) { total, step in
        let s = scores[b, step.0]
        return total + Self.logSigmoid(step.1 ? s : -s)
      }
    }
  }

  /// The mean negative log-likelihood of the targets and what the backward pass needs.
  ///
  /// Row `b` contributes `-log p(targets[b] | h_b)` (see the type's description for `p` and
  /// the sign convention: bit `true` goes right with probability `σ(s)`); the loss is the mean
  /// over the `B` rows. Each `log σ` must be computed stably: the loss stays finite for
  /// scores of ±1000.
  ///
  /// - Parameters:
  ///   - hidden: the context vectors `h`, `B x H`.
  ///   - targets: `B` words in `0..<V`.
  /// - Returns: the mean loss (nats per word; 0 for an empty batch) and a cache holding the
  ///   inputs and the score `s_n` at every node of every target's path.
  /// - Complexity: `O(B · depth · H)`: only the nodes on the targets' paths are scored.
  public func lossAndCache(hidden: Matrix, targets: [Int]) -> (loss: Double, cache: Cache) {
    shapePrecondition(
      hidden.cols == hiddenSize && targets.count == hidden.rows,
      "HierarchicalSoftmax.lossAndCache: hidden of shape \(hidden.shapeDescription) and "
        + "\(targets.count) targets for a layer that reads \(hiddenSize) columns")
    for (b, word) in targets.enumerated() where !(0..<vocabularySize).contains(word) {
      preconditionFailed(
        "HierarchicalSoftmax.lossAndCache: target \(word) of row \(b) is outside "
          + "0..<\(vocabularySize)")
    }
    // BEGIN SOLUTION 10.5 HierarchicalSoftmax.lossAndCache(hidden:targets:) | Lectures/10-large-vocabularies.md §3
    var total = 0.0
    var scores: [[Double]] = []
    for (b, word) in targets.enumerated() {
      let path = tree.paths[word]
      let code = tree.codes[word]
      // The scores of the path's nodes at once: their rows of nodeWeight (depth x H) times h_b.
      var s = nodeWeight.gatherRows(path).matmul(hidden.rowMatrix(b), transposeOther: true)
      for i in path.indices {
        s[i, 0] += nodeBias[0, path[i]]
        // log σ(x) = -log(1 + e^-x) = min(x, 0) - log(1 + e^-|x|): exp never overflows.
        let x = code[i] ? s[i, 0] : -s[i, 0]
        total -= Swift.min(x, 0) - log1p(exp(-abs(x)))
      }
      scores.append(s.storage)
    }
    let loss = targets.isEmpty ? 0 : total / Double(targets.count)
    return (loss, Cache(hidden: hidden, targets: targets, scores: scores))
    // END SOLUTION
  }

  /// Backpropagation through ``lossAndCache(hidden:targets:)``.
  ///
  /// - Parameter cache: what that call returned.
  /// - Returns: `∂L/∂h` (`B x H`) and a layer whose blocks hold `∂L/∂nodeWeight`
  ///   (`(V-1) x H`) and `∂L/∂nodeBias` (`1 x (V-1)`). Only the rows (and bias columns) of
  ///   nodes on some target's path can be non-zero; every other entry is exactly 0. A node on
  ///   the paths of several targets collects the contributions of all of them.
  /// - Complexity: `O(B · depth · H)`, never `O(V H)` beyond allocating the gradient blocks.
  public func backward(_ cache: Cache) -> (hiddenGradient: Matrix, gradients: HierarchicalSoftmax) {
    shapePrecondition(
      cache.hidden.cols == hiddenSize && cache.targets.count == cache.hidden.rows
        && cache.scores.count == cache.targets.count,
      "HierarchicalSoftmax.backward: a cache with hidden of shape "
        + "\(cache.hidden.shapeDescription), \(cache.targets.count) targets and "
        + "\(cache.scores.count) score rows for a layer that reads \(hiddenSize) columns")
    // BEGIN SOLUTION 10.6 HierarchicalSoftmax.backward(_:) | Lectures/10-large-vocabularies.md §3
    let h = cache.hidden
    var gradients = zerosLike()
    var hiddenGradient = Matrix.zeros(like: h)
    guard !cache.targets.isEmpty else { return (hiddenGradient, gradients) }
    let scale = 1 / Double(cache.targets.count)
    for (b, word) in cache.targets.enumerated() {
      let path = tree.paths[word]
      let code = tree.codes[word]
      // ∂(-log σ(±s))/∂s = σ(s) - bit at each node of the path, divided by B: depth x 1.
      var g = Matrix(column: cache.scores[b]).sigmoid()
      for i in path.indices where code[i] { g[i, 0] -= 1 }
      g *= scale
      // s_n = h_b · v_n + b_n: node n's row gets g_n h_b, its bias g_n, and h_b gets Σ_n g_n v_n.
      gradients.nodeWeight.scatterAddRows(g.matmul(h.rowMatrix(b)), at: path)
      for i in path.indices { gradients.nodeBias[0, path[i]] += g[i, 0] }
      hiddenGradient.setRow(b, g.matmul(nodeWeight.gatherRows(path), transposeSelf: true).storage)
    }
    return (hiddenGradient, gradients)
    // END SOLUTION
  }
}
