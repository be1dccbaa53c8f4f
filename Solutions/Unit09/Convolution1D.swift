import RNNCore

/// A convolution over the words of a sentence with max-over-time pooling: the feature
/// extractor of a convolutional sentence classifier.
///
/// The input is one sentence as a matrix `X` (`n x E`): row `i` is the embedding of word `i`.
/// A filter of width `w` looks at `w` consecutive rows at once and always spans the whole
/// embedding: its window at position `i` is the row `x_{i:i+w} = [X_i, X_{i+1}, ..., X_{i+w-1}]`
/// (`1 x wE`, the rows laid end to end). For every width `w` in ``widths`` there is a bank of
/// `F` filters, the rows of `W_w` (`F x wE`), with biases `b_w` (`1 x F`):
///
///     a_i = x_{i:i+w} W_wᵀ + b_w          for i = 0, ..., n - w   (1 x F)
///     c   = max over i of relu(a_i)       column by column        (1 x F)
///
/// The features are the `c` of every bank concatenated in the order of ``widths``
/// (`1 x F·k` for `k` widths). When several positions share a filter's largest value, the
/// earliest one is selected (it is the one the gradient flows to).
///
/// **Short sentences.** A sentence with fewer rows than a filter's width (`n < w`, the empty
/// sentence included) is padded with zero rows at the end up to `w` rows, so that filter sees
/// exactly one window. Longer sentences are not padded.
///
/// Parameter blocks, for each width `w` in order: `W_w` then `b_w` (named `"W2"`, `"b2"`, ...
/// for `w = 2`).
public struct Convolution1D: Parameterized, Equatable, Sendable {
  /// The filter widths, in the order of the features.
  public let widths: [Int]
  /// `weights[k]` is the bank of width `widths[k]`, `F x (widths[k] · E)`.
  public var weights: [Matrix]
  /// `biases[k]` is `1 x F`.
  public var biases: [Matrix]

  /// A convolution with the given banks.
  public init(widths: [Int], weights: [Matrix], biases: [Matrix]) {
    shapePrecondition(
      !widths.isEmpty && widths.allSatisfy { $0 > 0 } && Set(widths).count == widths.count
        && weights.count == widths.count && biases.count == widths.count,
      "Convolution1D: widths \(widths) (distinct and positive) with \(weights.count) weight "
        + "and \(biases.count) bias matrices")
    let filters = weights[0].rows
    let embedding = weights[0].cols / widths[0]
    for (k, w) in widths.enumerated() {
      shapePrecondition(
        weights[k].rows == filters && weights[k].cols == w * embedding && biases[k].rows == 1
          && biases[k].cols == filters,
        "Convolution1D: the bank of width \(w) has weights \(weights[k].shapeDescription) and "
          + "bias \(biases[k].shapeDescription); expected \(filters)x\(w * embedding) and "
          + "1x\(filters)")
    }
    self.widths = widths
    self.weights = weights
    self.biases = biases
  }

  /// Random banks: Xavier-uniform weights, zero biases.
  public init(
    embeddingSize: Int, widths: [Int], filtersPerWidth: Int, rng: inout RandomSource
  ) {
    self.init(
      widths: widths,
      weights: widths.map { .xavierUniform(filtersPerWidth, $0 * embeddingSize, rng: &rng) },
      biases: widths.map { _ in .zeros(1, filtersPerWidth) })
  }

  /// `F`, the number of filters of each width.
  public var filtersPerWidth: Int { weights[0].rows }
  /// `E`, the width of the embeddings it reads.
  public var embeddingSize: Int { weights[0].cols / widths[0] }
  /// The number of features, `F` times the number of widths.
  public var outputSize: Int { filtersPerWidth * widths.count }

  public mutating func visitParameters(_ body: (String, inout Matrix) throws -> Void) rethrows {
    for k in widths.indices {
      try body("W\(widths[k])", &weights[k])
      try body("b\(widths[k])", &biases[k])
    }
  }

  /// What ``forward(_:)`` keeps for ``backward(_:featureGradient:)``.
  public struct Cache: Sendable {
    /// The sentence `X`, `n x E`, as given (not padded).
    public var input: Matrix
    /// `selected[k][f]`: the window position that won filter `f` of bank `k`.
    public var selected: [[Int]]
    /// `preactivations[k][f]`: `a` of filter `f` of bank `k` at that position (before the
    /// ReLU).
    public var preactivations: [[Double]]

    public init(input: Matrix, selected: [[Int]], preactivations: [[Double]]) {
      self.input = input
      self.selected = selected
      self.preactivations = preactivations
    }
  }

  /// The features of one sentence (see the type's description).
  ///
  /// - Parameter sentence: `X`, `n x E` (`n` may be 0).
  /// - Returns: `1 x F·k` features (every one `>= 0`) and the cache.
  public func forward(_ sentence: Matrix) -> (features: Matrix, cache: Cache) {
    shapePrecondition(
      sentence.cols == embeddingSize,
      "Convolution1D.forward: a sentence of shape \(sentence.shapeDescription) for filters "
        + "over embeddings of width \(embeddingSize)")
    // BEGIN SOLUTION 09.5 Convolution1D.forward(_:) | Lectures/09-sentiment-homework.md §5
    let n = sentence.rows
    let e = embeddingSize
    let filters = filtersPerWidth
    var features = Matrix.zeros(1, outputSize)
    var selected: [[Int]] = []
    var preactivations: [[Double]] = []
    for (k, w) in widths.enumerated() {
      let positions = Swift.max(n - w + 1, 1)
      var best = [Int](repeating: 0, count: filters)
      var bestValue = [Double](repeating: -.infinity, count: filters)
      for i in 0..<positions {
        for f in 0..<filters {
          var a = biases[k][0, f]
          for r in 0..<w where i + r < n {
            for j in 0..<e { a += sentence[i + r, j] * weights[k][f, r * e + j] }
          }
          if a > bestValue[f] {
            bestValue[f] = a
            best[f] = i
          }
        }
      }
      for f in 0..<filters { features[0, k * filters + f] = Activation.relu(bestValue[f]) }
      selected.append(best)
      preactivations.append(bestValue)
    }
    return (features, Cache(input: sentence, selected: selected, preactivations: preactivations))
    // END SOLUTION
  }

  /// Backpropagation through ``forward(_:)``.
  ///
  /// - Parameters:
  ///   - cache: what that call returned.
  ///   - featureGradient: `∂L/∂features`, `1 x F·k`.
  /// - Returns: `∂L/∂X` (`n x E`, the shape of the sentence; the zero rows added for short
  ///   sentences are not inputs) and a convolution whose blocks hold `∂L/∂W_w` and `∂L/∂b_w`.
  public func backward(
    _ cache: Cache, featureGradient: Matrix
  ) -> (inputGradient: Matrix, gradients: Convolution1D) {
    shapePrecondition(
      featureGradient.rows == 1 && featureGradient.cols == outputSize
        && cache.selected.count == widths.count,
      "Convolution1D.backward: a feature gradient of shape \(featureGradient.shapeDescription) "
        + "for \(outputSize) features")
    // BEGIN SOLUTION 09.6 Convolution1D.backward(_:featureGradient:) | Lectures/09-sentiment-homework.md §5
    let x = cache.input
    let n = x.rows
    let e = embeddingSize
    let filters = filtersPerWidth
    var gradients = zerosLike()
    var inputGradient = Matrix.zeros(like: x)
    for (k, w) in widths.enumerated() {
      for f in 0..<filters where cache.preactivations[k][f] > 0 {
        let g = featureGradient[0, k * filters + f]
        let i = cache.selected[k][f]
        gradients.biases[k][0, f] += g
        for r in 0..<w where i + r < n {
          for j in 0..<e {
            gradients.weights[k][f, r * e + j] += g * x[i + r, j]
            inputGradient[i + r, j] += g * weights[k][f, r * e + j]
          }
        }
      }
    }
    return (inputGradient, gradients)
    // END SOLUTION
  }
}
