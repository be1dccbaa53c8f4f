import RNNTraining
import XCTest

final class TokenVocabularyTests: XCTestCase {
  func testCharacterVocabularyPutsUnknownFirstAndOrdersByCount() {
    let vocabulary = TokenVocabulary.characters(from: "abca\nab")
    XCTAssertEqual(vocabulary.tokens, ["<unk>", "a", "b", "\n", "c"])
    XCTAssertNil(vocabulary.endOfSentenceID)
    XCTAssertEqual(vocabulary.encode("cab!"), [4, 1, 2, 0])
    XCTAssertEqual(vocabulary.decode([4, 1, 0, 3]), "ca\u{FFFD}\n")
  }

  func testWordVocabularyEndsEveryLineWithEOS() {
    let vocabulary = TokenVocabulary.words(from: "the cat sat\n\nthe dog  sat\n")
    XCTAssertEqual(vocabulary.tokens.prefix(2), ["<unk>", "<eos>"])
    XCTAssertEqual(vocabulary.endOfSentenceID, 1)
    let ids = vocabulary.encode("the cat ran\n")
    XCTAssertEqual(ids.map { vocabulary.token($0) }, ["the", "cat", "<unk>", "<eos>"])
    XCTAssertEqual(
      vocabulary.decode(vocabulary.encode("the dog sat\nthe cat sat")), "the dog sat\nthe cat sat\n"
    )
  }

  func testMinimumCountAndMaximumSizeMapRareWordsToUnknown() {
    let vocabulary = TokenVocabulary.words(from: "a a a b b c", minimumCount: 2)
    XCTAssertEqual(vocabulary.tokens, ["<unk>", "<eos>", "a", "b"])
    let capped = TokenVocabulary.words(from: "a a a b b c", maximumSize: 3)
    XCTAssertEqual(capped.tokens, ["<unk>", "<eos>", "a"])
  }

  func testSentencesAndCodableRoundTrip() throws {
    let vocabulary = TokenVocabulary.words(fromSentences: [["x", "y"], ["y"]])
    XCTAssertEqual(vocabulary.encode(sentences: [["y", "z"]]), [vocabulary.id(of: "y"), 0, 1])
    let data = try JSONEncoder().encode(vocabulary)
    XCTAssertEqual(try JSONDecoder().decode(TokenVocabulary.self, from: data), vocabulary)
  }

  func testRejectsAVocabularyWithoutItsSpecialTokens() {
    XCTAssertThrowsError(try TokenVocabulary(level: .word, tokens: ["<unk>", "a"]))
    XCTAssertThrowsError(try TokenVocabulary(level: .character, tokens: ["<unk>", "a", "a"]))
  }
}
