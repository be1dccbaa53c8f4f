import RNNCore

/// A generated long-range dependency task with a lag you choose: *who was mentioned first?*
///
/// It is the lectures' "Jane walked into the room. John walked in too. … Jane said hi to ___"
/// reduced to its core. Every sequence starts with a name, continues with filler words among
/// which other names appear (the distractors), and ends with a query token; the answer is the
/// first name:
///
///     jane the room john it was late in ?      → jane     (lag 8, one distractor)
///
/// The **lag** `D` is the number of steps from the first name (position 0) to the query
/// (position `D`), so a sequence has `D + 1` tokens and the answer must be carried through `D`
/// cell steps. Distractor names are always different from the first name and sit at random
/// positions strictly between the two, so "the most recent name" is always a wrong answer; a
/// model that has forgotten the first name can do no better than guess among the others.
///
/// Token ids: the names first (`0 ..< names`, which are also the class labels), then the filler
/// words, then the query token.
public struct FirstMentionTask: Sendable, Equatable {
  /// The names a sequence can start with; the first `names` are used.
  public static let allNames = ["jane", "john", "mary", "omar", "lena", "ravi", "sara", "tom"]
  /// The filler words.
  public static let fillerWords = [
    "walked", "into", "the", "room", "it", "was", "late", "in", "day", "too", "and", "then",
  ]
  /// How the query token is written.
  public static let queryWord = "?"

  /// `D`, the distance from the first name to the query (at least 1).
  public var lag: Int
  /// How many different names there are (2 to 8); also the number of classes.
  public var names: Int
  /// How many distractor names each sequence contains (at most `D - 1`).
  public var distractors: Int

  /// Creates a task.
  public init(lag: Int, names: Int = 4, distractors: Int = 1) {
    shapePrecondition(lag >= 1, "FirstMentionTask: the lag must be at least 1, got \(lag)")
    shapePrecondition(
      (2...Self.allNames.count).contains(names),
      "FirstMentionTask: names must be in 2...\(Self.allNames.count), got \(names)")
    shapePrecondition(
      distractors >= 0 && (distractors == 0 || distractors <= lag - 1),
      "FirstMentionTask: \(distractors) distractors do not fit between positions 0 and \(lag)")
    self.lag = lag
    self.names = names
    self.distractors = distractors
  }

  /// Every token, by id: names, fillers, then the query.
  public var vocabulary: [String] {
    Array(Self.allNames.prefix(names)) + Self.fillerWords + [Self.queryWord]
  }
  /// The number of token ids.
  public var vocabularySize: Int { names + Self.fillerWords.count + 1 }
  /// The id of the query token (the last one).
  public var queryToken: Int { vocabularySize - 1 }
  /// The accuracy of guessing uniformly among the names that are not the most recent one, the
  /// best a model can do without remembering the first name.
  public var chanceAccuracy: Double { 1 / Double(distractors > 0 ? names - 1 : names) }

  /// Draws a batch of sequences.
  ///
  /// - Returns: `inputs`, `batchSize` sequences of `D + 1` token ids, and `targets`, the first
  ///   name of each (a class index in `0..<names`).
  public func sample(batchSize: Int, rng: inout RandomSource) -> (inputs: [[Int]], targets: [Int]) {
    var inputs: [[Int]] = []
    var targets: [Int] = []
    for _ in 0..<batchSize {
      let first = rng.int(below: names)
      var sequence = [first]
      for _ in 1..<lag { sequence.append(names + rng.int(below: Self.fillerWords.count)) }
      sequence.append(queryToken)
      // Distractors at distinct positions strictly between the first name and the query.
      let positions = rng.permutation(lag - 1).prefix(distractors).map { $0 + 1 }
      for position in positions {
        let other = rng.int(below: names - 1)
        sequence[position] = other >= first ? other + 1 : other
      }
      inputs.append(sequence)
      targets.append(first)
    }
    return (inputs, targets)
  }

  /// A sequence as words separated by spaces.
  public func text(_ sequence: [Int]) -> String {
    let words = vocabulary
    return sequence.map { words.indices.contains($0) ? words[$0] : "<\($0)>" }
      .joined(separator: " ")
  }
}
