import RNNCore
import RNNData

/// A labeled span of a sentence: tokens `start..<end` form one entity (chunk) of type `type`
/// (such as `PER`).
public struct Span: Hashable, Sendable, CustomStringConvertible {
  /// The entity type, without the `B-`/`I-` prefix.
  public var type: String
  /// The first token's position.
  public var start: Int
  /// One past the last token's position.
  public var end: Int

  public init(type: String, start: Int, end: Int) {
    self.type = type
    self.start = start
    self.end = end
  }

  /// `PER[2..<4]`.
  public var description: String { "\(type)[\(start)..<\(end)]" }
}

/// Tags of the BIO family: `O` outside any span, `B-X` at the beginning of a span of type `X`,
/// `I-X` inside one.
///
/// In IOB2 (the usual scheme today, and the one the kit's taggers predict) every span starts
/// with `B-`. In IOB1 (CoNLL-2003's original files) a span starts with `I-`, and `B-` appears
/// only where a span follows another of the same type with no `O` between them.
public enum BIO {
  /// A tag split into its prefix (`"B"`, `"I"` or `"O"`) and type (empty for `O`).
  public static func parse(_ tag: String) -> (prefix: String, type: String) {
    guard isValid(tag) else {
      preconditionFailed("BIO.parse: \"\(tag)\" is not a BIO tag (O, B-TYPE or I-TYPE)")
    }
    return tag == "O" ? ("O", "") : (String(tag.prefix(1)), String(tag.dropFirst(2)))
  }

  /// Whether `tag` is `O`, `B-TYPE` or `I-TYPE` (the check the CoNLL reader makes).
  public static func isValid(_ tag: String) -> Bool { CoNLLFile.isBIOTag(tag) }

  /// The spans of one sentence's tags, read the way CoNLL's evaluation script reads them.
  ///
  /// A span starts at a `B-X`, and also at an `I-X` that does not continue a span of type `X`
  /// (after `O`, at the start of the sentence, or after a tag of another type): the script
  /// accepts malformed sequences rather than dropping tokens. A span ends before `O`, before
  /// any `B-`, and before a tag of another type; the last span ends with the sentence. So
  /// `O I-PER I-PER` has one span `PER[1..<3]`, and `B-LOC I-PER` has two, `LOC[0..<1]` and
  /// `PER[1..<2]`.
  ///
  /// - Parameter tags: one sentence's tags (`O`, `B-TYPE`, `I-TYPE`).
  /// - Returns: its spans, left to right.
  public static func spans(_ tags: [String]) -> [Span] {
    for tag in tags where !isValid(tag) {
      preconditionFailed("BIO.spans: \"\(tag)\" is not a BIO tag (O, B-TYPE or I-TYPE)")
    }
    // BEGIN SOLUTION 07.9 BIO.spans | Lectures/07-bidirectional-deep-rnns.md §6
    var spans: [Span] = []
    var open: (type: String, start: Int)?
    var previous = (prefix: "O", type: "")
    for (i, tag) in tags.enumerated() {
      let current = parse(tag)
      let ends =
        previous.prefix != "O"
        && (current.prefix == "O" || current.prefix == "B" || current.type != previous.type)
      let starts =
        current.prefix == "B"
        || (current.prefix == "I" && (previous.prefix == "O" || previous.type != current.type))
      if ends, let span = open {
        spans.append(Span(type: span.type, start: span.start, end: i))
        open = nil
      }
      if starts { open = (current.type, i) }
      previous = current
    }
    if let span = open { spans.append(Span(type: span.type, start: span.start, end: tags.count)) }
    return spans
    // END SOLUTION
  }

  /// Rewrites one sentence's IOB1 tags in IOB2: an `I-X` that starts a span (after `O`, at the
  /// start of the sentence, or after a tag of another type) becomes `B-X`; every other tag is
  /// unchanged. The spans are the same before and after.
  public static func iob2(fromIOB1 tags: [String]) -> [String] {
    for tag in tags where !isValid(tag) {
      preconditionFailed("BIO.iob2(fromIOB1:): \"\(tag)\" is not a BIO tag (O, B-TYPE or I-TYPE)")
    }
    // BEGIN SOLUTION 07.11 BIO.iob2(fromIOB1:) | Lectures/07-bidirectional-deep-rnns.md §6
    var out = tags
    var previousType = ""
    for (i, tag) in tags.enumerated() {
      let current = parse(tag)
      if current.prefix == "I" && current.type != previousType {
        out[i] = "B-" + current.type
      }
      previousType = current.type
    }
    return out
    // END SOLUTION
  }
}

/// Exact-match span scores, as CoNLL's evaluation script computes them: a predicted span counts
/// as correct only if a gold span has the same start, end and type.
///
///     precision = correct / predicted spans      (0 when nothing is predicted)
///     recall    = correct / gold spans           (0 when there are no gold spans)
///     F1        = 2 · precision · recall / (precision + recall)   (0 when both are 0)
///
/// The overall scores are micro-averaged (counts summed over all types before dividing);
/// per-type scores use the counts of one type. Scores are fractions in `0...1` (the script
/// prints percentages).
public struct SpanEvaluation: Equatable, Sendable {
  /// Counts for one entity type (or all of them).
  public struct Counts: Equatable, Sendable {
    /// Spans in the gold tags.
    public var gold = 0
    /// Spans in the predicted tags.
    public var predicted = 0
    /// Predicted spans that exactly match a gold span.
    public var correct = 0

    public init(gold: Int = 0, predicted: Int = 0, correct: Int = 0) {
      self.gold = gold
      self.predicted = predicted
      self.correct = correct
    }

    /// `correct / predicted`, or 0 with no predictions.
    public var precision: Double { predicted == 0 ? 0 : Double(correct) / Double(predicted) }
    /// `correct / gold`, or 0 with no gold spans.
    public var recall: Double { gold == 0 ? 0 : Double(correct) / Double(gold) }
    /// The harmonic mean of precision and recall, or 0 when both are 0.
    public var f1: Double {
      let p = precision
      let r = recall
      return p + r == 0 ? 0 : 2 * p * r / (p + r)
    }
  }

  /// Counts per entity type (every type that occurs in the gold or predicted tags).
  public var byType: [String: Counts]
  /// Tokens whose predicted tag equals the gold tag (`O` included), and all tokens.
  public var correctTags: Int
  public var tokens: Int

  /// Creates an evaluation from its counts.
  public init(byType: [String: Counts], correctTags: Int, tokens: Int) {
    self.byType = byType
    self.correctTags = correctTags
    self.tokens = tokens
  }

  /// Evaluates predicted tags against gold tags, sentence by sentence (a span never crosses a
  /// sentence boundary).
  ///
  /// - Parameters:
  ///   - gold: the gold tags of each sentence.
  ///   - predicted: the predicted tags, as many sentences of the same lengths.
  public init(gold: [[String]], predicted: [[String]]) {
    shapePrecondition(
      gold.count == predicted.count && zip(gold, predicted).allSatisfy { $0.count == $1.count },
      "SpanEvaluation: gold sentence lengths \(gold.map(\.count)) and predicted "
        + "\(predicted.map(\.count)) differ")
    // BEGIN SOLUTION 07.10 SpanEvaluation(gold:predicted:) | Lectures/07-bidirectional-deep-rnns.md §6
    var byType: [String: Counts] = [:]
    var correctTags = 0
    var tokens = 0
    for (goldTags, predictedTags) in zip(gold, predicted) {
      let goldSpans = BIO.spans(goldTags)
      let predictedSpans = BIO.spans(predictedTags)
      let goldSet = Set(goldSpans)
      for span in goldSpans { byType[span.type, default: Counts()].gold += 1 }
      for span in predictedSpans {
        byType[span.type, default: Counts()].predicted += 1
        if goldSet.contains(span) { byType[span.type, default: Counts()].correct += 1 }
      }
      tokens += goldTags.count
      correctTags += zip(goldTags, predictedTags).filter { $0 == $1 }.count
    }
    self.init(byType: byType, correctTags: correctTags, tokens: tokens)
    // END SOLUTION
  }

  /// The micro-averaged counts: every type's counts summed.
  public var overall: Counts {
    byType.values.reduce(into: Counts()) { sum, c in
      sum.gold += c.gold
      sum.predicted += c.predicted
      sum.correct += c.correct
    }
  }

  /// The fraction of tokens tagged right (`O` included); 0 with no tokens.
  public var accuracy: Double { tokens == 0 ? 0 : Double(correctTags) / Double(tokens) }

  /// The entity types, sorted.
  public var types: [String] { byType.keys.sorted() }
}
