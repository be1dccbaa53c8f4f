import CourseTestSupport
import Foundation
import RNNCore
import XCTest

import struct Unit10.HuffmanTree

/// Exercise 10.4: `HuffmanTree.build(counts:)`.
final class HuffmanTreeTests: XCTestCase {
  let hint = Unit10TreeFixtures.hint("10.4", "HuffmanTree.build")
  typealias F = Unit10TreeFixtures

  /// The six words worked out by hand in `Unit10TreeFixtures.handCounts`.
  func testHandWorkedExample() throws {
    try exercise {
      let tree = HuffmanTree.build(counts: F.handCounts)
      for w in F.handCounts.indices {
        assertEqual(
          tree.paths[w], F.handPaths[w], "path of word \(w) for the counts \(F.handCounts)")
        assertEqual(
          tree.codes[w], F.handCodes[w],
          "code of word \(w) for the counts \(F.handCounts) (true = right)")
      }
      assertTrue(
        tree.paths == F.handPaths && tree.codes == F.handCodes,
        "the tree of \(F.handCounts). Pop the two smallest (count, key) subtrees; the first is "
          + "the left child; a leaf's key is its id, inner node k's key is V + k. " + self.hint)
    }
  }

  /// Several count vectors, with ties of every kind, against a plain `O(V²)` builder written
  /// from the same rule.
  func testMatchesTheRuleOnManyCounts() throws {
    try exercise {
      for counts in F.countSets {
        let tree = HuffmanTree.build(counts: counts)
        let want = F.referenceHuffman(counts)
        assertTrue(
          tree.paths == want.paths && tree.codes == want.codes,
          "the tree of \(counts): paths \(tree.paths) and codes \(tree.codes); expected "
            + "\(want.paths) and \(want.codes). " + self.hint)
      }
    }
  }

  /// Every word has a non-empty code, no code is a prefix of another (so all are distinct),
  /// every path is as long as its code, starts at the root `V - 2`, and the inner node at
  /// depth `i` is determined by the first `i` bits: the paths and codes describe one tree.
  func testCodesArePrefixFreeAndPathsFollowThem() throws {
    try exercise {
      for counts in F.countSets {
        let tree = HuffmanTree.build(counts: counts)
        let v = counts.count
        assertEqual(tree.paths.count, v, "number of paths for \(v) words")
        assertEqual(tree.codes.count, v, "number of codes for \(v) words")
        guard tree.paths.count == v && tree.codes.count == v else { continue }
        var nodeOfPrefix: [[Bool]: Int] = [:]
        var prefixOfNode: [Int: [Bool]] = [:]
        for w in 0..<v {
          let (path, code) = (tree.paths[w], tree.codes[w])
          assertEqual(path.count, code.count, "length of path and code of word \(w) of \(counts)")
          assertTrue(!code.isEmpty, "word \(w) of \(counts) has a non-empty code")
          guard path.count == code.count, !code.isEmpty else { continue }
          assertEqual(path[0], v - 2, "first node (the root) of the path of word \(w) of \(counts)")
          for i in path.indices {
            let prefix = Array(code[..<i])
            if let known = nodeOfPrefix[prefix], known != path[i] {
              fail(
                "the words of \(counts) with the code prefix \(prefix) disagree on the node "
                  + "below it (\(known) and \(path[i])). " + self.hint)
            }
            if let known = prefixOfNode[path[i]], known != prefix {
              fail(
                "inner node \(path[i]) of the tree of \(counts) is reached by two code prefixes, "
                  + "\(known) and \(prefix). " + self.hint)
            }
            nodeOfPrefix[prefix] = path[i]
            prefixOfNode[path[i]] = prefix
          }
        }
        assertEqual(
          Set(prefixOfNode.keys), Set(0..<(v - 1)),
          "inner nodes on the paths of the tree of \(counts)")
        for a in 0..<v {
          for b in 0..<v where a != b && tree.codes[b].count >= tree.codes[a].count {
            if Array(tree.codes[b].prefix(tree.codes[a].count)) == tree.codes[a] {
              fail(
                "the code \(tree.codes[a]) of word \(a) is a prefix of the code "
                  + "\(tree.codes[b]) of word \(b) (counts \(counts)). " + self.hint)
            }
          }
        }
      }
    }
  }

  /// Inner nodes are numbered in the order they are created, so a child is always created
  /// before its parent: ids strictly decrease down every path.
  func testInnerNodesAreNumberedInCreationOrder() throws {
    try exercise {
      for counts in F.countSets {
        let tree = HuffmanTree.build(counts: counts)
        for (w, path) in tree.paths.enumerated() {
          assertTrue(
            zip(path, path.dropFirst()).allSatisfy { $0 > $1 },
            "the path \(path) of word \(w) of \(counts) goes from the root (inner node "
              + "\(counts.count - 2), the last created) down to older nodes. " + self.hint)
        }
      }
    }
  }

  /// A word that occurs more often never has a longer code.
  func testFrequentWordsGetCodesNoLonger() throws {
    try exercise {
      for counts in F.countSets {
        let tree = HuffmanTree.build(counts: counts)
        let pairs = counts.indices.flatMap { a in counts.indices.map { (a, $0) } }
        let worse = pairs.first { a, b in
          counts[a] > counts[b] && tree.codes[a].count > tree.codes[b].count
        }
        assertTrue(
          worse == nil,
          "in the tree of \(counts), every word has a code no longer than the rarer words' "
            + (worse.map { a, b in
              "(word \(a), count \(counts[a]), has \(tree.codes[a].count) bits; word \(b), "
                + "count \(counts[b]), \(tree.codes[b].count))"
            } ?? "") + ". " + self.hint)
      }
    }
  }

  /// A full binary tree satisfies Kraft's inequality with equality: `Σ_w 2^-|code_w| = 1`.
  func testKraftEquality() throws {
    try exercise {
      for counts in F.countSets {
        let tree = HuffmanTree.build(counts: counts)
        let kraft = tree.codes.reduce(0.0) { $0 + pow(2, -Double($1.count)) }
        assertClose(
          kraft, 1, tolerance: 1e-12, "Σ 2^-length over the codes of \(counts)",
          hint: "Every inner node must have exactly two children. " + self.hint)
      }
    }
  }

  /// Huffman codes are optimal prefix codes: the mean length lies in `[H, H + 1)` bits, with
  /// `H` the entropy of the unigram distribution (for at least two words that occur: a
  /// certain word has `H = 0` but still needs one bit).
  func testAverageCodeLengthIsWithinOneBitOfTheEntropy() throws {
    try exercise {
      for counts in F.countSets where counts.filter({ $0 > 0 }).count >= 2 {
        let tree = HuffmanTree.build(counts: counts)
        let total = Double(counts.reduce(0, +))
        let entropy = counts.reduce(0.0) { h, c in
          c == 0 ? h : h - Double(c) / total * log2(Double(c) / total)
        }
        let average =
          zip(counts, tree.codes).reduce(0.0) { $0 + Double($1.0 * $1.1.count) } / total
        assertGreaterOrEqual(
          average, entropy - 1e-12, "mean code length (bits) against the entropy for \(counts)")
        assertLess(
          average, entropy + 1, "mean code length (bits) against the entropy + 1 for \(counts)")
      }
    }
  }

  func testTwoWords() throws {
    try exercise {
      let tree = HuffmanTree.build(counts: [7, 3])
      assertEqual(tree.paths, [[0], [0]], "paths of two words")
      assertEqual(
        tree.codes, [[true], [false]],
        "codes of the counts [7, 3]: word 1 is popped first (left)")
    }
  }
}
