import Foundation
import RNNCore

/// Logistic regression on word counts: the bag-of-words baseline of the sentiment task.
///
/// A sentence is a list of word ids in `0..<V` (a word may occur several times; order does not
/// matter to this model). Its feature vector is the count of every word, `x ∈ ℕ^V` with `x_v`
/// the number of occurrences of `v`, and its logits are
///
///     z = x Wᵀ + b        (x: 1 x V, W: C x V, b: 1 x C, z: 1 x C)
///
/// Parameter blocks: `weight` (`C x V`, column `v` is what one occurrence of word `v` adds to
/// the logits) and `bias` (`1 x C`). The count vectors are never needed as matrices: a
/// sentence of `n` words costs `O(n C)`, whatever `V` is.
public struct BagOfWordsClassifier: Parameterized, Equatable, Sendable {
  /// `C x V`.
  public var weight: Matrix
  /// `1 x C`.
  public var bias: Matrix

  /// A classifier with the given weights.
  public init(weight: Matrix, bias: Matrix) {
    shapePrecondition(
      bias.rows == 1 && bias.cols == weight.rows,
      "BagOfWordsClassifier: weight \(weight.shapeDescription) needs a bias of shape "
        + "1x\(weight.rows), got \(bias.shapeDescription)")
    self.weight = weight
    self.bias = bias
  }

  /// A classifier with zero weights (every class equally likely): the usual start of a convex
  /// problem.
  public init(vocabularySize: Int, classCount: Int) {
    self.init(weight: .zeros(classCount, vocabularySize), bias: .zeros(1, classCount))
  }

  /// The number of classes `C`.
  public var classCount: Int { weight.rows }
  /// The vocabulary size `V`.
  public var vocabularySize: Int { weight.cols }

  public mutating func visitParameters(_ body: (String, inout Matrix) throws -> Void) rethrows {
    try body("weight", &weight)
    try body("bias", &bias)
  }

  /// The logits of every sentence, `B x C` (row `b` is `b + Σ_{words v of b} W[:, v]`).
  public func logits(_ sentences: [[Int]]) -> Matrix {
    checkWordIDs(sentences, vocabularySize: vocabularySize, "BagOfWordsClassifier.logits")
    var z = Matrix.zeros(sentences.count, classCount)
    for (b, sentence) in sentences.enumerated() {
      for c in 0..<classCount {
        var total = bias[0, c]
        for word in sentence { total += weight[c, word] }
        z[b, c] = total
      }
    }
    return z
  }

  /// The most likely class of every sentence (the first one on a tie).
  public func predict(_ sentences: [[Int]]) -> [Int] {
    logits(sentences).argmaxPerRow()
  }

  /// The mean softmax cross-entropy of a batch of sentences and its gradients.
  ///
  /// Sentence `b` contributes `-log softmax(z_b)[labels[b]]` with `z_b` its logits (see the
  /// type's description; an empty sentence has logits `b`); the loss is the mean over the `B`
  /// sentences. It must stay finite for logits of ±1000.
  ///
  /// - Parameters:
  ///   - sentences: `B` lists of word ids in `0..<V`.
  ///   - labels: `B` classes in `0..<C`.
  /// - Returns: the mean loss (nats per sentence; 0 for an empty batch) and a classifier whose
  ///   blocks hold `∂L/∂W` (`C x V`) and `∂L/∂b` (`1 x C`).
  public func lossAndGradients(
    _ sentences: [[Int]], labels: [Int]
  ) -> (loss: Double, gradients: BagOfWordsClassifier) {
    shapePrecondition(
      labels.count == sentences.count,
      "BagOfWordsClassifier.lossAndGradients: \(labels.count) labels for "
        + "\(sentences.count) sentences")
    checkWordIDs(sentences, vocabularySize: vocabularySize, "BagOfWordsClassifier.lossAndGradients")
    for (b, label) in labels.enumerated() where !(0..<classCount).contains(label) {
      preconditionFailed(
        "BagOfWordsClassifier.lossAndGradients: label \(label) of sentence \(b) is outside "
          + "0..<\(classCount)")
    }
    // Exercise 09.4: BagOfWordsClassifier.lossAndGradients(_:labels:).
    // Read Lectures/09-sentiment-homework.md §4, then replace this stub with your code.
    notImplemented(
      "09.4", "BagOfWordsClassifier.lossAndGradients(_:labels:)",
      lecture: "Lectures/09-sentiment-homework.md §4")
  }
}
