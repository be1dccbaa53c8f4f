/// Sentences shared by the BLEU tests.
enum BLEUFixtures {
  /// The example of NLTK's `sentence_bleu` documentation, from the BLEU paper (tokens are split
  /// on spaces and compared case-sensitively).
  static let nltkHypothesis =
    "It is a guide to action which ensures that the military always obeys the commands of the "
    + "party"
  static let nltkReferences = [
    "It is a guide to action that ensures that the military will forever heed Party commands",
    "It is the guiding principle which guarantees the military forces always being under the "
      + "command of the Party",
    "It is the practical guide for the army always to heed the directions of the party",
  ]
}
