import RNNCore

extension LanguageModel {
  /// Draws one sentence from the model, token by token (ancestral sampling).
  ///
  /// The context starts as ``order`` − 1 `<s>`. At each step the next token is drawn from
  /// `p(· | context)` (``distribution(given:)``) with `rng`; drawing `</s>` ends the sentence,
  /// any other token is appended to the sentence and the context. After `maxLength` tokens the
  /// sentence is cut off, so a model that rarely ends still returns.
  ///
  /// - Returns: the ids of the sentence, without `<s>` or `</s>`.
  public func sampleSentence(using rng: inout RandomSource, maxLength: Int = 100) -> [Int] {
    precondition(maxLength >= 0, "sampleSentence: maxLength must not be negative")
    // BEGIN SOLUTION 01.14 LanguageModel.sampleSentence | Lectures/01-ngram-language-models.md §11
    var context = [Int](repeating: Vocabulary.startID, count: order - 1)
    var sentence: [Int] = []
    while sentence.count < maxLength {
      let next = rng.categorical(distribution(given: context.suffix(order - 1)))
      if next == Vocabulary.endID { break }
      sentence.append(next)
      context.append(next)
    }
    return sentence
    // END SOLUTION
  }
}
