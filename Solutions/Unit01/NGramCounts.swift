import RNNCore

/// The n-gram counts of a corpus, for every order from 1 to ``order``, stored with integer keys.
///
/// **Contexts.** A context is the list of words before the predicted one, most recent last.
/// Each distinct context gets a *node* id. Node ``root`` (0) is the empty context (unigrams);
/// the node of a context `h = (u, v)` is the child of the node of its shorter context `(v)`
/// through the word `u`, that is, contexts grow by adding an *older* word. So:
/// - ``parent(of:)`` drops the oldest word, giving the context a lower order backs off to;
/// - walking from the root through `w[i-1]`, then `w[i-2]`, ... visits the contexts of orders
///   1, 2, 3, ... of position `i` in one pass (``contextNodes(_:)``);
/// - a parent always has a smaller id than its children.
///
/// **N-grams.** The n-gram `(h, w)` is stored under the key `(node(h), w)` packed into one
/// `UInt64`, with its count. Per node, the kit also keeps `c(h •)`, the number of times `h`
/// was followed by any token (``total(after:)``), and `N1+(h •)`, the number of distinct
/// tokens that followed it (``distinctFollowers(of:)``). No strings are involved: hashing a
/// 64-bit integer is far cheaper than hashing an array of words.
///
/// **Sentences** are counted with `order - 1` `<s>` in front and one `</s>` at the end (see
/// ``add(sentence:)``), so every predicted token, `</s>` included, has a full-length context,
/// and `<s>` is never predicted.
public struct NGramCounts: Sendable {
  /// The node of the empty context.
  public static let root = 0

  /// The highest order counted (`n`: 1 for unigrams, 2 for bigrams, ...).
  public let order: Int
  /// The number of token ids (``Vocabulary/count``), special tokens included.
  public let vocabularySize: Int

  /// `(node, older word) -> child node`.
  private(set) var children: [UInt64: Int32] = [:]
  /// Per node: the node of the context without its oldest word (-1 for the root).
  private(set) var parents: [Int32] = [-1]
  /// Per node: the number of words in the context.
  private(set) var depths: [Int32] = [0]
  /// `(node, word) -> entry`; the entry arrays hold the n-gram's word, count and the next
  /// entry with the same context (a linked list per node, -1 at the end).
  private(set) var entries: [UInt64: Int32] = [:]
  private(set) var entryWord: [Int32] = []
  private(set) var entryCount: [Int] = []
  private(set) var entryNext: [Int32] = []
  /// Per node: the first entry of its list (-1 if none), `c(h •)` and `N1+(h •)`.
  private(set) var firstEntry: [Int32] = [-1]
  private(set) var totals: [Int] = [0]
  private(set) var followers: [Int] = [0]

  /// Creates empty counts.
  ///
  /// - Parameters:
  ///   - order: the highest order `n` (1 or more).
  ///   - vocabularySize: the number of token ids (at least the 3 special tokens).
  public init(order: Int, vocabularySize: Int) {
    precondition(order >= 1, "NGramCounts: order must be at least 1, got \(order)")
    precondition(
      vocabularySize >= 3 && vocabularySize < Int(Int32.max),
      "NGramCounts: vocabularySize must be in 3..<2^31, got \(vocabularySize)")
    self.order = order
    self.vocabularySize = vocabularySize
  }

  /// Counts every sentence of `sentences` (see ``add(sentence:)``).
  public init(order: Int, vocabularySize: Int, sentences: [[Int]]) {
    self.init(order: order, vocabularySize: vocabularySize)
    for sentence in sentences { add(sentence: sentence) }
  }

  @inline(__always)
  static func key(_ node: Int, _ word: Int) -> UInt64 {
    UInt64(truncatingIfNeeded: node) << 32 | UInt64(truncatingIfNeeded: word)
  }

  // MARK: - Building

  /// The node of the context `node` extended by one *older* word, created if needed.
  ///
  /// For the context `(v)` (a node of depth 1) and the word `u`, this is the node of `(u, v)`.
  public mutating func extend(_ node: Int, with olderWord: Int) -> Int {
    let key = Self.key(node, olderWord)
    if let child = children[key] { return Int(child) }
    let child = parents.count
    children[key] = Int32(child)
    parents.append(Int32(node))
    depths.append(depths[node] + 1)
    firstEntry.append(-1)
    totals.append(0)
    followers.append(0)
    return child
  }

  /// Adds `count` occurrences of `word` after the context `node`: updates the n-gram's count,
  /// `c(h •)` and, for a new n-gram, `N1+(h •)`.
  public mutating func record(_ word: Int, after node: Int, count: Int = 1) {
    let key = Self.key(node, word)
    if let entry = entries[key] {
      entryCount[Int(entry)] += count
    } else {
      let entry = Int32(entryWord.count)
      entries[key] = entry
      entryWord.append(Int32(word))
      entryCount.append(count)
      entryNext.append(firstEntry[node])
      firstEntry[node] = entry
      followers[node] += 1
    }
    totals[node] += count
  }

  /// Adds `count` occurrences of one n-gram (its context then its word, most recent last) of
  /// any order up to ``order``, and nothing else: unlike ``add(sentence:)`` it does not count
  /// the n-gram's shorter suffixes. Used to build exact fixtures.
  public mutating func increment(_ ngram: [Int], by count: Int = 1) {
    precondition(
      (1...order).contains(ngram.count),
      "NGramCounts.increment: an n-gram of \(ngram.count) ids for order \(order)")
    precondition(count > 0, "NGramCounts.increment: count must be positive, got \(count)")
    var node = Self.root
    for word in ngram.dropLast().reversed() { node = extend(node, with: word) }
    record(ngram[ngram.count - 1], after: node, count: count)
  }

  /// Counts one sentence (token ids, without markers) at every order from 1 to ``order``.
  ///
  /// The sentence is padded to `<s>` × (order − 1), ids…, `</s>`. Every position after the
  /// padding (each word and the final `</s>`) is one occurrence of an n-gram of each order
  /// k = 1…order: the token with the k − 1 tokens before it. For example, with order 3, the
  /// sentence `a b` becomes `<s> <s> a b </s>` and adds the trigrams `(<s>,<s>,a)`,
  /// `(<s>,a,b)`, `(a,b,</s>)`, the bigrams `(<s>,a)`, `(a,b)`, `(b,</s>)` and the unigrams
  /// `a`, `b`, `</s>`.
  ///
  /// Cost: `2 · order − 1` hash-table operations per token (one ``extend(_:with:)`` and one
  /// ``record(_:after:count:)`` per order, minus the root, which needs no lookup).
  public mutating func add(sentence ids: [Int]) {
    // BEGIN SOLUTION 01.4 NGramCounts.add | Lectures/01-ngram-language-models.md §4
    let padded =
      [Int](repeating: Vocabulary.startID, count: order - 1) + ids + [Vocabulary.endID]
    for i in (order - 1)..<padded.count {
      let word = padded[i]
      var node = Self.root
      record(word, after: node)
      for back in 1..<order {
        node = extend(node, with: padded[i - back])
        record(word, after: node)
      }
    }
    // END SOLUTION
  }

  // MARK: - Reading

  /// The number of context nodes, the root included.
  public var nodeCount: Int { parents.count }

  /// The number of words in the context of `node` (an n-gram after it has order depth + 1).
  public func depth(of node: Int) -> Int { Int(depths[node]) }

  /// The node of the context without its oldest word, or `nil` for the root.
  public func parent(of node: Int) -> Int? {
    node == Self.root ? nil : Int(parents[node])
  }

  /// The node of the context `node` extended by one older word, if that context was seen.
  public func child(of node: Int, olderWord: Int) -> Int? {
    children[Self.key(node, olderWord)].map(Int.init)
  }

  /// The nodes of the contexts of orders 1, 2, ... of a prediction: element `k` is the node of
  /// the last `k` ids of `context` (element 0 is the root). It stops at ``order`` − 1 words or
  /// at the first context never seen, so it has between 1 and ``order`` elements.
  public func contextNodes(_ context: ArraySlice<Int>) -> [Int] {
    var nodes = [Self.root]
    var node = Self.root
    for word in context.reversed().prefix(order - 1) {
      guard let next = children[Self.key(node, word)] else { break }
      node = Int(next)
      nodes.append(node)
    }
    return nodes
  }

  /// The node of exactly this context (most recent word last), or `nil` if it was never seen.
  public func node(forContext context: ArraySlice<Int>) -> Int? {
    guard context.count < order else { return nil }
    let nodes = contextNodes(context)
    return nodes.count == context.count + 1 ? nodes[nodes.count - 1] : nil
  }

  /// `c(h w)`: how often `word` followed the context `node`.
  public func count(of word: Int, after node: Int) -> Int {
    entries[Self.key(node, word)].map { entryCount[Int($0)] } ?? 0
  }

  /// `c(h •)`: how often the context `node` was followed by any token (the sum of
  /// ``count(of:after:)`` over all words).
  public func total(after node: Int) -> Int { totals[node] }

  /// `N1+(h •)`: how many distinct tokens followed the context `node`.
  public func distinctFollowers(of node: Int) -> Int { followers[node] }

  /// Calls `body(word, count)` for every token seen after the context `node`.
  public func forEachFollower(of node: Int, _ body: (_ word: Int, _ count: Int) -> Void) {
    var entry = firstEntry[node]
    while entry >= 0 {
      body(Int(entryWord[Int(entry)]), entryCount[Int(entry)])
      entry = entryNext[Int(entry)]
    }
  }

  /// The count of an n-gram given as ids, context first, word last (0 if never seen).
  public func count(_ ngram: [Int]) -> Int {
    guard let word = ngram.last, let node = node(forContext: ngram.dropLast()) else { return 0 }
    return count(of: word, after: node)
  }

  /// `c(h •)` for a context given as ids (0 if never seen).
  public func contextCount(_ context: [Int]) -> Int {
    node(forContext: context[...]).map(total(after:)) ?? 0
  }

  /// The number of counted tokens: `c(•)`, the total after the empty context.
  public var tokenCount: Int { totals[Self.root] }

  /// A rough estimate of the memory the tables take, in bytes: each hash-table slot holds a
  /// 64-bit key, a 32-bit value and about a byte of bookkeeping; the arrays hold the rest.
  public var approximateMemoryBytes: Int {
    let slot = MemoryLayout<UInt64>.size + MemoryLayout<Int32>.size + 1
    let perEntry = 2 * MemoryLayout<Int32>.size + MemoryLayout<Int>.size
    let perNode = 3 * MemoryLayout<Int32>.size + 2 * MemoryLayout<Int>.size
    return (children.capacity + entries.capacity) * slot + entryWord.capacity * perEntry
      + parents.capacity * perNode
  }

  /// The number of distinct n-grams stored for each order 1...``order``.
  public var distinctNGramsPerOrder: [Int] {
    var result = [Int](repeating: 0, count: order)
    for node in 0..<nodeCount { result[Int(depths[node])] += followers[node] }
    return result
  }
}
