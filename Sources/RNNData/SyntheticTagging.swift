import RNNCore

/// A named-entity tagging task the kit generates, whose tags need right context.
///
/// Each sentence has one or two entity spans among filler words. A span is two to four
/// Capitalized words: neutral names (`Alder`, `Birch`, ...) and, at a random position inside
/// the span, one *cue* word that decides the type of the whole span (`Sr`, `Jr` and `Dame`
/// make it `PER`; `Bay`, `Hill`, `Ford` make it `LOC`; `Corp`, `Ltd`, `Guild` make it `ORG`):
///
///     we met Birch Cedar Corp near the Hill Alder today
///     O  O   B-ORG I-ORG I-ORG O   O   B-LOC I-LOC O
///
/// A name's tag is therefore often decided by a later word. A tagger that reads only leftward
/// context has to guess the type at every token before the cue; a bidirectional tagger sees the
/// cue from both sides; a CRF on top of a left-to-right tagger can carry the cue's type back to
/// the start of the span through its transition scores (an `I-ORG` after `B-LOC` scores low).
/// Tags are IOB2.
public enum SyntheticTagging {
  /// Words outside spans.
  public static let fillers = [
    "the", "a", "we", "saw", "met", "near", "and", "then", "with", "from", "today", "again",
  ]
  /// Words inside spans that say nothing about the type.
  public static let names = [
    "Alder", "Birch", "Cedar", "Dorn", "Elm", "Fenn", "Gale", "Holt", "Ives", "Jory", "Kell",
    "Lund",
  ]
  /// The cue words of each type: one of them sits somewhere in every span.
  public static let cues: [(type: String, words: [String])] = [
    ("PER", ["Sr", "Jr", "Dame"]), ("LOC", ["Bay", "Hill", "Ford"]),
    ("ORG", ["Corp", "Ltd", "Guild"]),
  ]
  /// The tag set, `O` first.
  public static let tags = ["O"] + cues.flatMap { ["B-" + $0.type, "I-" + $0.type] }

  /// `count` sentences drawn with `seed` (the same seed gives the same sentences).
  public static func sentences(count: Int, seed: UInt64) -> [TaggedSentence] {
    var rng = RandomSource(seed: seed)
    return (0..<count).map { _ in sentence(&rng) }
  }

  static func sentence(_ rng: inout RandomSource) -> TaggedSentence {
    var words: [String] = []
    var tags: [String] = []
    func fill(_ n: Int, _ rng: inout RandomSource) {
      for _ in 0..<n {
        words.append(fillers[rng.int(below: fillers.count)])
        tags.append("O")
      }
    }
    fill(1 + rng.int(below: 3), &rng)
    let spans = 1 + rng.int(below: 2)
    for s in 0..<spans {
      let cue = cues[rng.int(below: cues.count)]
      let length = 2 + rng.int(below: 3)
      let cueAt = rng.int(below: length)
      for i in 0..<length {
        words.append(
          i == cueAt
            ? cue.words[rng.int(below: cue.words.count)] : names[rng.int(below: names.count)])
        tags.append((i == 0 ? "B-" : "I-") + cue.type)
      }
      fill(s + 1 < spans ? 1 + rng.int(below: 3) : rng.int(below: 3), &rng)
    }
    return TaggedSentence(words: words, tags: tags)
  }
}
