import RNNCore

/// What every sentence classifier of this unit can do: score a batch of sentences (lists of
/// word ids) and report its loss and gradients, so one training loop
/// (``SentenceClassifier/train(on:validation:options:progress:)``) serves them all.
public protocol SentenceClassifier: Parameterized, Sendable {
  /// The width of the features the head reads: the columns of a dropout mask.
  var featureCount: Int { get }

  /// The most likely class of every sentence (the first one on a tie).
  func predict(_ sentences: [[Int]]) -> [Int]

  /// The mean cross-entropy of a batch and its gradient with respect to every block.
  ///
  /// - Parameters:
  ///   - sentences: `B` lists of word ids.
  ///   - labels: `B` classes.
  ///   - dropoutMask: `B x featureCount`, multiplied into the features before the head, or
  ///     `nil` for none.
  func lossAndGradients(
    _ sentences: [[Int]], labels: [Int], dropoutMask: Matrix?
  ) -> (loss: Double, gradients: Self)
}

extension SentenceClassifier {
  /// The fraction of `sentences` whose predicted class is their label, in batches of
  /// `batchSize` (0 for no sentences).
  public func accuracy(_ sentences: [[Int]], labels: [Int], batchSize: Int = 64) -> Double {
    precondition(
      sentences.count == labels.count,
      "accuracy: \(sentences.count) sentences and \(labels.count) labels")
    guard !sentences.isEmpty else { return 0 }
    let predicted = predictAll(sentences, batchSize: batchSize)
    let correct = zip(predicted, labels).filter { $0 == $1 }.count
    return Double(correct) / Double(sentences.count)
  }

  /// Every sentence's predicted class, in batches of `batchSize`.
  public func predictAll(_ sentences: [[Int]], batchSize: Int = 64) -> [Int] {
    stride(from: 0, to: sentences.count, by: max(1, batchSize)).flatMap {
      predict(Array(sentences[$0..<min($0 + max(1, batchSize), sentences.count)]))
    }
  }
}

/// Stops with a message naming the sentence and position of the first word id outside
/// `0..<vocabularySize` (`caller` names the method that was called).
func checkWordIDs(_ sentences: [[Int]], vocabularySize: Int, _ caller: String) {
  for (b, sentence) in sentences.enumerated() {
    for (i, word) in sentence.enumerated() where !(0..<vocabularySize).contains(word) {
      preconditionFailed(
        "\(caller): word \(word) at position \(i) of sentence \(b) is outside "
          + "0..<\(vocabularySize)")
    }
  }
}

extension BagOfWordsClassifier: SentenceClassifier {
  /// The bag of words has no hidden features: its "features" are the logits' inputs, the
  /// counts, and it takes no dropout mask.
  public var featureCount: Int { vocabularySize }

  /// ``lossAndGradients(_:labels:)``; a dropout mask is not supported (pass `nil`).
  public func lossAndGradients(
    _ sentences: [[Int]], labels: [Int], dropoutMask: Matrix?
  ) -> (loss: Double, gradients: BagOfWordsClassifier) {
    precondition(
      dropoutMask == nil, "BagOfWordsClassifier: dropout is not supported on word counts")
    return lossAndGradients(sentences, labels: labels)
  }
}
