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
    // Exercise 01.14: LanguageModel.sampleSentence.
    // Read Lectures/01-ngram-language-models.md §11, then replace this stub with your code.
    notImplemented(
      "01.14", "LanguageModel.sampleSentence", lecture: "Lectures/01-ngram-language-models.md §11")
  }
}
