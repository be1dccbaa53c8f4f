/// One example of a sentence-classification corpus: a sentence and its class (`positive`,
/// `negative`, or any other label the corpus uses).
public struct LabeledSentence: Equatable, Sendable {
  /// The sentence, as one string (tokenize it with the unit's tokenizer).
  public var text: String
  /// Its class.
  public var label: String

  /// A sentence and its label.
  public init(text: String, label: String) {
    self.text = text
    self.label = label
  }
}
