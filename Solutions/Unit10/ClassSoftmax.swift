import Foundation
import RNNCore
import RNNTraining

/// A class-based softmax output layer (Mikolov et al., 2011): the probability of a word given
/// a hidden state `h` (`1 x H`) is factored through the word's class `c = c(w)`,
///
///     p(w | h) = p(c | h) · p(w | c, h)
///     p(c | h)    = softmax(h Wcᵀ + bc)[c]                          over the K classes
///     p(w | c, h) = softmax over the members u of c of (h Ww[u]ᵀ + bw[u]), taken at w
///
/// Parameter blocks: `classWeight` (`K x H`, row `c` scores class `c`), `classBias` (`1 x K`),
/// `wordWeight` (`V x H`, row `w` scores word `w` within its class) and `wordBias` (`1 x V`).
/// The partition `classes` is fixed: it is not a parameter. Scoring one word costs
/// O((K + |c(w)|) H) instead of the O(V H) of a full softmax.
public struct ClassSoftmax: Parameterized, Equatable, Sendable {
  /// `K x H`.
  public var classWeight: Matrix
  /// `1 x K`.
  public var classBias: Matrix
  /// `V x H`.
  public var wordWeight: Matrix
  /// `1 x V`.
  public var wordBias: Matrix
  /// The partition of the vocabulary into `K` classes.
  public var classes: WordClasses

  /// A layer with the given weights.
  public init(
    classWeight: Matrix, classBias: Matrix, wordWeight: Matrix, wordBias: Matrix,
    classes: WordClasses
  ) {
    let k = classes.classCount
    let v = classes.vocabularySize
    shapePrecondition(
      classWeight.rows == k && classBias.rows == 1 && classBias.cols == k
        && wordWeight.rows == v && wordWeight.cols == classWeight.cols && wordBias.rows == 1
        && wordBias.cols == v,
      "ClassSoftmax: \(k) classes over \(v) words need classWeight \(k)xH, classBias 1x\(k), "
        + "wordWeight \(v)xH and wordBias 1x\(v); got \(classWeight.shapeDescription), "
        + "\(classBias.shapeDescription), \(wordWeight.shapeDescription), "
        + "\(wordBias.shapeDescription)")
    self.classWeight = classWeight
    self.classBias = classBias
    self.wordWeight = wordWeight
    self.wordBias = wordBias
    self.classes = classes
  }

  /// A layer with Gaussian weights (standard deviation `1/√H`) and zero biases.
  public init(hiddenSize: Int, classes: WordClasses, rng: inout RandomSource) {
    let std = 1 / Double(max(hiddenSize, 1)).squareRoot()
    self.init(
      classWeight: .gaussian(classes.classCount, hiddenSize, std: std, rng: &rng),
      classBias: .zeros(1, classes.classCount),
      wordWeight: .gaussian(classes.vocabularySize, hiddenSize, std: std, rng: &rng),
      wordBias: .zeros(1, classes.vocabularySize), classes: classes)
  }

  /// `H`, the width of the hidden states it reads.
  public var hiddenSize: Int { classWeight.cols }
  /// `V`.
  public var vocabularySize: Int { classes.vocabularySize }

  public mutating func visitParameters(_ body: (String, inout Matrix) throws -> Void) rethrows {
    try body("classWeight", &classWeight)
    try body("classBias", &classBias)
    try body("wordWeight", &wordWeight)
    try body("wordBias", &wordBias)
  }

  /// What ``lossAndCache(hidden:targets:)`` keeps for ``backward(_:)``.
  public struct Cache: Sendable {
    /// `h`, `B x H`.
    public var hidden: Matrix
    /// `B` target words.
    public var targets: [Int]
    /// `B x K`: row `b` is the distribution `p(· | h_b)` over the classes.
    public var classProbabilities: Matrix
    /// `B` arrays: entry `b` is the distribution `p(· | c, h_b)` over the members of the
    /// target's class `c = classOf[targets[b]]`, in the order of `members[c]`.
    public var wordProbabilities: [[Double]]

    public init(
      hidden: Matrix, targets: [Int], classProbabilities: Matrix, wordProbabilities: [[Double]]
    ) {
      self.hidden = hidden
      self.targets = targets
      self.classProbabilities = classProbabilities
      self.wordProbabilities = wordProbabilities
    }
  }

  private func checkBatch(_ hidden: Matrix, _ targets: [Int], _ caller: String) {
    shapePrecondition(
      hidden.cols == hiddenSize && targets.count == hidden.rows,
      "ClassSoftmax.\(caller): hidden states of shape \(hidden.shapeDescription) and "
        + "\(targets.count) targets for a layer that reads \(hiddenSize) columns")
    for (b, w) in targets.enumerated() where !(0..<vocabularySize).contains(w) {
      preconditionFailed(
        "ClassSoftmax.\(caller): target \(w) of row \(b) is outside 0..<\(vocabularySize)")
    }
  }

  /// The mean negative log-likelihood of a batch of targets (exercise 10.2).
  ///
  /// Row `b` contributes `-log p(targets[b] | h_b)` with `p` as in the type's description; the
  /// loss is the mean over the `B` rows (0 for an empty batch). Both softmaxes must be computed
  /// stably (finite for scores of ±1000), and only the `K` class scores and the scores of the
  /// target's class members may be computed: O(B (K + |class|) H), never O(B V H).
  ///
  /// - Parameters:
  ///   - hidden: `h`, `B x H`.
  ///   - targets: `B` word ids in `0..<V`.
  /// - Returns: the mean loss in nats per token and the ``Cache`` for ``backward(_:)``.
  public func lossAndCache(hidden: Matrix, targets: [Int]) -> (loss: Double, cache: Cache) {
    checkBatch(hidden, targets, "lossAndCache")
    // BEGIN SOLUTION 10.2 ClassSoftmax.lossAndCache(hidden:targets:) | Lectures/10-large-vocabularies.md §2
    let batch = hidden.rows
    // p(c | h) for every row: one product and a row-wise stable log-softmax over the K classes.
    let classLog = hidden.matmul(classWeight, transposeOther: true).adding(rowVector: classBias)
      .logSoftmaxRows()
    // p(w | c, h): the rows whose targets share a class c are scored together, against the
    // members of c only (a gathered block of wordWeight, |c| x H).
    var rowsOfClass = [[Int]](repeating: [], count: classes.classCount)
    for (b, target) in targets.enumerated() { rowsOfClass[classes.classOf[target]].append(b) }
    var wordProbabilities = [[Double]](repeating: [], count: batch)
    var total = 0.0
    for (c, rows) in rowsOfClass.enumerated() where !rows.isEmpty {
      let words = classes.members[c]
      let wordLog = hidden.gatherRows(rows)
        .matmul(wordWeight.gatherRows(words), transposeOther: true)
        .adding(rowVector: Matrix(row: words.map { wordBias[0, $0] }))
        .logSoftmaxRows()  // rows.count x |c|, each row shifted by its own maximum
      let probabilities = wordLog.map(exp)
      for (i, b) in rows.enumerated() {
        wordProbabilities[b] = probabilities.row(i)
        total -= classLog[b, c] + wordLog[i, classes.positionInClass[targets[b]]]
      }
    }
    let cache = Cache(
      hidden: hidden, targets: targets, classProbabilities: classLog.map(exp),
      wordProbabilities: wordProbabilities)
    return (batch == 0 ? 0 : total / Double(batch), cache)
    // END SOLUTION
  }

  /// The gradients of the mean loss of ``lossAndCache(hidden:targets:)`` (exercise 10.3).
  ///
  /// Costs O(B (K + |class|) H): the rows of `wordWeight` and the entries of `wordBias` of
  /// words outside the classes of the batch's targets get a gradient of exactly zero, and
  /// nothing proportional to `V` is computed apart from the zero gradient blocks themselves.
  ///
  /// - Returns: `∂L/∂h` (`B x H`) and a layer whose blocks hold `∂L/∂Wc`, `∂L/∂bc`, `∂L/∂Ww`
  ///   and `∂L/∂bw` (its `classes` are this layer's).
  public func backward(_ cache: Cache) -> (hiddenGradient: Matrix, gradients: ClassSoftmax) {
    checkBatch(cache.hidden, cache.targets, "backward")
    // BEGIN SOLUTION 10.3 ClassSoftmax.backward(_:) | Lectures/10-large-vocabularies.md §2
    let batch = cache.hidden.rows
    var gradients = zerosLike()
    guard batch > 0 else { return (.zeros(like: cache.hidden), gradients) }
    let scale = 1 / Double(batch)
    // The class scores: ∂L/∂z = (p(· | h) - onehot(c(w))) / B, row by row.
    var classScoreGradient = cache.classProbabilities * scale
    for (b, target) in cache.targets.enumerated() {
      classScoreGradient[b, classes.classOf[target]] -= scale
    }
    gradients.classWeight = classScoreGradient.matmul(cache.hidden, transposeSelf: true)
    gradients.classBias = classScoreGradient.sumRows()
    var hiddenGradient = classScoreGradient.matmul(classWeight)
    // The word scores, class by class as in the forward pass: ∂L/∂z = (p(· | c, h) - onehot) / B
    // over the members of c, with the one-hot at the target's position in its class.
    var rowsOfClass = [[Int]](repeating: [], count: classes.classCount)
    for (b, target) in cache.targets.enumerated() { rowsOfClass[classes.classOf[target]].append(b) }
    for (c, rows) in rowsOfClass.enumerated() where !rows.isEmpty {
      let words = classes.members[c]
      var wordScoreGradient = Matrix(rows.map { cache.wordProbabilities[$0] })  // rows x |c|
      for (i, b) in rows.enumerated() {
        wordScoreGradient[i, classes.positionInClass[cache.targets[b]]] -= 1
      }
      wordScoreGradient *= scale
      // Only the members' rows of wordWeight and entries of wordBias get a gradient.
      gradients.wordWeight.scatterAddRows(
        wordScoreGradient.matmul(cache.hidden.gatherRows(rows), transposeSelf: true), at: words)
      let biasGradient = wordScoreGradient.sumRows()
      for j in words.indices { gradients.wordBias[0, words[j]] += biasGradient[0, j] }
      hiddenGradient.scatterAddRows(
        wordScoreGradient.matmul(wordWeight.gatherRows(words)), at: rows)
    }
    return (hiddenGradient, gradients)
    // END SOLUTION
  }

  /// `log p(w | h_b)` for every word of the vocabulary: `B x V` (provided, not an exercise;
  /// it costs the full O(B V H) and is meant for checks and evaluation). Each row's
  /// exponentials sum to 1.
  public func logProbabilities(hidden: Matrix) -> Matrix {
    shapePrecondition(
      hidden.cols == hiddenSize,
      "ClassSoftmax.logProbabilities: hidden states of shape \(hidden.shapeDescription) for a "
        + "layer that reads \(hiddenSize) columns")
    let classLog = hidden.matmul(classWeight, transposeOther: true).adding(rowVector: classBias)
      .logSoftmaxRows()
    let wordScores = hidden.matmul(wordWeight, transposeOther: true).adding(rowVector: wordBias)
    var result = Matrix.zeros(hidden.rows, vocabularySize)
    for b in 0..<hidden.rows {
      for (c, words) in classes.members.enumerated() {
        let within = Softmax.logProbabilities(words.map { wordScores[b, $0] })
        for (j, w) in words.enumerated() { result[b, w] = classLog[b, c] + within[j] }
      }
    }
    return result
  }
}
