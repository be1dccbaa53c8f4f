import RNNCore

/// A partition of a vocabulary of `V` words (ids `0..<V`) into `K` classes, the first level of
/// a class-based softmax.
///
/// - `classOf[w]` is the class of word `w`, in `0..<K`;
/// - `members[c]` lists the words of class `c`, in the order they were assigned;
/// - `positionInClass[w]` is the index of `w` within `members[classOf[w]]`.
///
/// So `members[classOf[w]][positionInClass[w]] == w` for every word.
public struct WordClasses: Equatable, Sendable {
  /// `V` class ids.
  public var classOf: [Int]
  /// `K` lists of word ids.
  public var members: [[Int]]
  /// `V` positions.
  public var positionInClass: [Int]

  /// The classes with the given members; `classOf` and `positionInClass` follow from them.
  /// Every word id in `0..<V` must appear in exactly one list, where `V` is the total number of
  /// members.
  public init(members: [[Int]]) {
    let size = members.reduce(0) { $0 + $1.count }
    var classOf = [Int](repeating: -1, count: size)
    var positionInClass = [Int](repeating: -1, count: size)
    for (c, words) in members.enumerated() {
      for (i, w) in words.enumerated() {
        shapePrecondition(
          (0..<size).contains(w) && classOf[w] == -1,
          "WordClasses: word \(w) of class \(c) is outside 0..<\(size) or appears twice")
        classOf[w] = c
        positionInClass[w] = i
      }
    }
    self.classOf = classOf
    self.members = members
    self.positionInClass = positionInClass
  }

  /// `V`, the number of words.
  public var vocabularySize: Int { classOf.count }
  /// `K`, the number of classes.
  public var classCount: Int { members.count }

  /// Frequency binning (exercise 10.1): `K` classes, each a contiguous band of the words sorted
  /// by frequency, holding about `1/K` of the unigram mass.
  ///
  /// Sort the words by count, largest first (equal counts: the smaller id first). Walking them
  /// in that order, let `m_i` be the total count of the `i` words before word number `i`
  /// (`m_0 = 0`) and `N` the total count. Word number `i` would go to the class
  ///
  ///     r_i = min(K - 1, floor(K · m_i / N))        (r_i = 0 when N = 0)
  ///
  /// which can leave a class empty (one word may hold more than `1/K` of the mass). So the
  /// class actually assigned is
  ///
  ///     c_0 = 0,   c_i = min(c_{i-1} + 1, max(r_i, K - (V - i)))
  ///
  /// it never skips a class, and it moves on early enough that the `V - i` words left can
  /// still fill the classes left (which matters, for instance, when every count is zero). Every class gets at least one word, the classes are
  /// contiguous in the sorted order, and `members[c]` lists its words in that order.
  ///
  /// - Parameters:
  ///   - counts: `V` unigram counts, none negative.
  ///   - classCount: `K`, in `1...V`.
  /// - Complexity: O(V log V).
  public static func frequencyBinned(counts: [Int], classCount: Int) -> WordClasses {
    shapePrecondition(
      classCount >= 1 && classCount <= counts.count,
      "WordClasses.frequencyBinned: \(classCount) classes for \(counts.count) words; need "
        + "1...\(counts.count)")
    shapePrecondition(
      counts.allSatisfy { $0 >= 0 }, "WordClasses.frequencyBinned: a count is negative")
    // BEGIN SOLUTION 10.1 WordClasses.frequencyBinned(counts:classCount:) | Lectures/10-large-vocabularies.md §2
    let size = counts.count
    let order = (0..<size).sorted { counts[$0] != counts[$1] ? counts[$0] > counts[$1] : $0 < $1 }
    let total = counts.reduce(0, +)
    var members = [[Int]](repeating: [], count: classCount)
    var massBefore = 0
    var previous = -1
    for (i, w) in order.enumerated() {
      let raw = total == 0 ? 0 : min(classCount - 1, classCount * massBefore / total)
      let c = min(previous + 1, max(raw, classCount - (size - i)))
      members[c].append(w)
      previous = c
      massBefore += counts[w]
    }
    return WordClasses(members: members)
    // END SOLUTION
  }
}
