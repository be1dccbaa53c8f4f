import CourseTestSupport
import XCTest

import struct Unit01.Tokenizer

/// Exercise 01.1: `Tokenizer.sentences(in:)`.
final class TokenizerTests: XCTestCase {
  let hint = Fixtures.hint("01.1", "Tokenizer.sentences", section: 3)

  func testWordsSplitOffPunctuation() throws {
    try exercise {
      let text = "First Citizen:\nBefore we proceed any further, hear me speak.\n"
      assertEqual(
        Tokenizer().sentences(in: text),
        [
          ["First", "Citizen", ":"],
          ["Before", "we", "proceed", "any", "further", ",", "hear", "me", "speak", "."],
        ], "one sentence per line, punctuation split off. \(self.hint)")
    }
  }

  func testApostrophesHyphensAndMarkupTokens() throws {
    try exercise {
      assertEqual(
        Tokenizer().sentences(in: "don't 'tis well-known dogs' -x"),
        [["don't", "'tis", "well-known", "dogs", "'", "-", "x"]],
        "apostrophes join before a letter, hyphens only between letters. \(self.hint)")
      assertEqual(
        Tokenizer().sentences(in: "the <unk> rose N points ."),
        [["the", "<unk>", "rose", "N", "points", "."]],
        "a chunk like <unk> stays one token. \(self.hint)")
    }
  }

  func testBlankLinesAreSkippedAndLineEndingsVary() throws {
    try exercise {
      let text = "\n  \none two\r\n\t\nthree\rfour"
      assertEqual(
        Tokenizer().sentences(in: text), [["one", "two"], ["three"], ["four"]],
        "one sentence per non-blank line, whatever the newline. \(self.hint)")
      assertEqual(Tokenizer().sentences(in: ""), [], "no sentences in empty text. \(self.hint)")
    }
  }

  func testLowercasing() throws {
    try exercise {
      assertEqual(
        Tokenizer(lowercased: true).sentences(in: "The Cat IS small."),
        [["the", "cat", "is", "small", "."]], "lowercased words. \(self.hint)")
    }
  }

  func testCharacterModeKeepsSpaces() throws {
    try exercise {
      assertEqual(
        Tokenizer(mode: .characters).sentences(in: "To be,\n\nok"),
        [["T", "o", " ", "b", "e", ","], ["o", "k"]],
        "every character is a token, spaces included. \(self.hint)")
      assertEqual(
        Tokenizer(mode: .characters, lowercased: true).sentences(in: "Né!"), [["n", "é", "!"]],
        "lowercased characters. \(self.hint)")
    }
  }

  func testTabsAndRunsOfSpacesInsideALineSeparateWords() throws {
    try exercise {
      assertEqual(
        Tokenizer().sentences(in: "one\ttwo  three\t\t four,\tfive\t"),
        [["one", "two", "three", "four", ",", "five"]],
        "a tab inside a line separates words like a space. \(self.hint)")
    }
  }

  func testTypographicApostropheJoinsLikeTheStraightOne() throws {
    try exercise {
      assertEqual(
        Tokenizer().sentences(in: "don’t ’tis dogs’ o’clock ’"),
        [["don’t", "’tis", "dogs", "’", "o’clock", "’"]],
        "the typographic apostrophe ’ joins before a letter, like '. \(self.hint)")
    }
  }

  func testDigitsAreWordCharacters() throws {
    try exercise {
      assertEqual(
        Tokenizer().sentences(in: "route66 3rd B2B 2-for-1 1990s' 3.5 '90s"),
        [["route66", "3rd", "B2B", "2-for-1", "1990s", "'", "3", ".", "5", "'90s"]],
        "digits belong to words, and hyphens and apostrophes join them. \(self.hint)")
    }
  }

  func testHyphensOnlyJoinBetweenWordCharacters() throws {
    try exercise {
      assertEqual(
        Tokenizer().sentences(in: "a--b x- -y well-known- e-mail"),
        [["a", "-", "-", "b", "x", "-", "-", "y", "well-known", "-", "e-mail"]],
        "a hyphen joins only between letters or digits. \(self.hint)")
    }
  }

  func testMarkupOnlyWhenTheWholeChunkIsBracketed() throws {
    try exercise {
      assertEqual(
        Tokenizer().sentences(in: "<unk> x<unk> <br>y <eos>"),
        [["<unk>", "x", "<", "unk", ">", "<", "br", ">", "y", "<eos>"]],
        "only a whole chunk from < to > is one token. \(self.hint)")
    }
  }

  func testNonASCIILettersAreLetters() throws {
    try exercise {
      assertEqual(
        Tokenizer().sentences(in: "Straße café naïve—really"),
        [["Straße", "café", "naïve", "—", "really"]],
        "letters outside ASCII are letters; a dash is a mark. \(self.hint)")
      assertEqual(
        Tokenizer(lowercased: true).sentences(in: "ÉCOLE Ünïcode\n<UNK> Ok"),
        [["école", "ünïcode"], ["<unk>", "ok"]], "lowercased non-ASCII words. \(self.hint)")
    }
  }
}
