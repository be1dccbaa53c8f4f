import RNNData
import XCTest

final class TranslationTextTests: XCTestCase {
  func words(_ text: String) -> [String] { TranslationText.tokens(text, level: .word) }

  func testWordLevelSplitsOffPunctuation() {
    XCTAssertEqual(words("Hello, world."), ["hello", ",", "world", "."])
    XCTAssertEqual(words("Va !"), ["va", "!"])
    XCTAssertEqual(words("Va!"), ["va", "!"])
    XCTAssertEqual(words("¿Qué hora es?"), ["¿", "qué", "hora", "es", "?"])
    XCTAssertEqual(
      words("« Oui » (dit-il) ; non :"),
      [
        "«", "oui", "»", "(", "dit-il", ")", ";", "non", ":",
      ])
    XCTAssertEqual(
      words("He said \"stop\"...\tthen\nleft"),
      [
        "he", "said", "\"", "stop", "\"", ".", ".", ".", "then", "left",
      ])
    XCTAssertEqual(words("¡Hola!"), ["¡", "hola", "!"])
    XCTAssertEqual(words("   "), [])
  }

  func testApostrophesAndHyphensInsideWordsStay() {
    XCTAssertEqual(words("I'm fine"), ["i'm", "fine"])
    XCTAssertEqual(words("a well-known fact"), ["a", "well-known", "fact"])
    XCTAssertEqual(words("Aujourd’hui, l'homme"), ["aujourd’hui", ",", "l'homme"])
    // At the edge of a word they are marks of their own.
    XCTAssertEqual(words("'quoted' - dash"), ["'", "quoted", "'", "-", "dash"])
    XCTAssertEqual(words("the dogs' bones"), ["the", "dogs", "'", "bones"])
  }

  func testNumbersKeepTheirSeparators() {
    XCTAssertEqual(
      words("It costs $3.50, at 10:30."),
      [
        "it", "costs", "$", "3.50", ",", "at", "10:30", ".",
      ])
    XCTAssertEqual(words("1,000 or 3/4"), ["1,000", "or", "3/4"])
    XCTAssertEqual(words("in 1997."), ["in", "1997", "."])
  }

  func testCharacterLevelKeepsEverything() {
    XCTAssertEqual(
      TranslationText.tokens("3 Mar, 97", level: .character),
      ["3", " ", "M", "a", "r", ",", " ", "9", "7"])
    XCTAssertEqual(TranslationText.tokens("Çé", level: .character), ["Ç", "é"])
    // A grapheme cluster (e and a combining accent) is one token.
    XCTAssertEqual(TranslationText.tokens("e\u{301}x", level: .character).count, 2)
  }

  func testWordJoinAttachesClosingPunctuation() {
    XCTAssertEqual(
      TranslationText.join(["hello", ",", "world", "."], level: .word), "hello, world.")
    XCTAssertEqual(TranslationText.join(["va", "!"], level: .word), "va!")
    XCTAssertEqual(
      TranslationText.join(["¿", "qué", "?", "«", "oui", "»"], level: .word), "¿ qué? « oui »")
    XCTAssertEqual(TranslationText.join([], level: .word), "")
  }

  func testJoinRoundTrips() {
    let sentences = [
      "Hello, world.", "Va !", "I'm well-known; aren't you?", "¿Qué hora es? Son las 10:30.",
      "« Oui », dit-il... (enfin)", "It costs $3.50: cheap!", "1 , 2 . 3",
    ]
    for sentence in sentences {
      let tokens = words(sentence)
      XCTAssertEqual(
        words(TranslationText.join(tokens, level: .word)), tokens, "word level: \(sentence)")
      let characters = TranslationText.tokens(sentence, level: .character)
      XCTAssertEqual(
        TranslationText.join(characters, level: .character), sentence, "characters: \(sentence)")
    }
  }
}
