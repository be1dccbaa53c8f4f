import RNNCore

import struct Unit07.Span

/// Test-local span reading and evaluation for the tests of exercises 07.9-07.11, written from
/// the rules of CoNLL's evaluation script (`conlleval`), independent of the exercises: the
/// script's `startOfChunk` and `endOfChunk` tests on each pair of neighbouring tags, with an `O`
/// before and after every sentence.
enum SpanFixtures {
  static let lecture = "Lectures/07-bidirectional-deep-rnns.md"

  /// `hint: check BIO.spans (exercise 07.9, Lectures/07-bidirectional-deep-rnns.md §6).`
  static func hint(_ exercise: String, _ title: String, section: Int) -> String {
    "hint: check \(title) (exercise \(exercise), \(lecture) §\(section))."
  }

  /// A tag's prefix (`B`, `I` or `O`) and type (empty for `O`).
  static func split(_ tag: String) -> (prefix: Character, type: Substring) {
    guard let first = tag.first, first != "O" else { return ("O", "") }
    return (first, tag.dropFirst(2))
  }

  /// The script's `endOfChunk`: does a chunk that contains the previous tag end before `tag`?
  static func endsChunk(previous: String, tag: String) -> Bool {
    let (p, pType) = split(previous)
    let (c, cType) = split(tag)
    if p == "O" { return false }
    return c == "B" || c == "O" || pType != cType
  }

  /// The script's `startOfChunk`: does a chunk start at `tag`?
  static func startsChunk(previous: String, tag: String) -> Bool {
    let (p, pType) = split(previous)
    let (c, cType) = split(tag)
    if c == "O" { return false }
    return c == "B" || p == "O" || pType != cType
  }

  /// The chunks of one sentence, read as the script reads them.
  static func referenceSpans(_ tags: [String]) -> [Span] {
    var spans: [Span] = []
    var openStart: Int?
    var openType = ""
    let padded = ["O"] + tags + ["O"]
    for i in 1..<padded.count {
      let position = i - 1
      if endsChunk(previous: padded[i - 1], tag: padded[i]), let start = openStart {
        spans.append(Span(type: openType, start: start, end: position))
        openStart = nil
      }
      if startsChunk(previous: padded[i - 1], tag: padded[i]) {
        openStart = position
        openType = String(split(padded[i]).type)
      }
    }
    return spans
  }

  /// Per-type `(gold, predicted, correct)` counts, exact matches only, and the token counts.
  static func referenceCounts(
    gold: [[String]], predicted: [[String]]
  ) -> (byType: [String: [Int]], correctTags: Int, tokens: Int) {
    var byType: [String: [Int]] = [:]
    var correctTags = 0
    var tokens = 0
    for (g, p) in zip(gold, predicted) {
      let goldSpans = referenceSpans(g)
      let predictedSpans = referenceSpans(p)
      for span in goldSpans { byType[span.type, default: [0, 0, 0]][0] += 1 }
      for span in predictedSpans {
        byType[span.type, default: [0, 0, 0]][1] += 1
        if goldSpans.contains(span) { byType[span.type, default: [0, 0, 0]][2] += 1 }
      }
      for (a, b) in zip(g, p) where a == b { correctTags += 1 }
      tokens += g.count
    }
    return (byType, correctTags, tokens)
  }

  /// A random tag sequence over `types`, mixing `O`, `B-` and `I-` freely (so it is often
  /// malformed IOB2: an `I-X` after `O` or after another type).
  static func randomTags(
    length: Int, types: [String], rng: inout RandomSource
  ) -> [String] {
    (0..<length).map { _ in
      let r = rng.int(below: 2 * types.count + 1)
      if r == 0 { return "O" }
      let type = types[(r - 1) / 2]
      return (r % 2 == 1 ? "B-" : "I-") + type
    }
  }

  /// A random sentence in IOB1, the way CoNLL-2003's files write it: spans start with `I-X`,
  /// and `B-X` only where a span follows one of the same type.
  static func randomIOB1(
    length: Int, types: [String], rng: inout RandomSource
  ) -> [String] {
    var tags: [String] = []
    var previous = "O"
    while tags.count < length {
      if rng.int(below: 3) == 0 {
        tags.append("O")
        previous = "O"
        continue
      }
      let type = types[rng.int(below: types.count)]
      let spanLength = 1 + rng.int(below: 3)
      for k in 0..<spanLength where tags.count < length {
        let first = k == 0 && split(previous).type == Substring(type)
        tags.append((first ? "B-" : "I-") + type)
      }
      previous = "I-" + type
    }
    return tags
  }
}
