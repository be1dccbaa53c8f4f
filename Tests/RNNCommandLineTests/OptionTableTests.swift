import RNNCommandLine
import XCTest

/// The option table: both spellings of a value, every value kind's check and message, flags,
/// `--help`, and the help text's layout.
final class OptionTableTests: XCTestCase {
  private struct Options: Equatable {
    var hidden = 128
    var rate = 0.1
    var fraction = 0.5
    var seed: UInt64 = 1
    var optimizer = "adam"
    var text: String?
    var words = false
    var scores: [String] = []
  }

  private let table = OptionTable<Options>(
    sections: [
      .init(
        "model",
        [
          .integer("--hidden", "N", atLeast: 1, help: "hidden units (default 128)") {
            $0.hidden = $1
          },
          .positive("--lr", "R", help: "learning rate") { $0.rate = $1 },
          .number(
            "--fraction", "F", requirement: "a number in [0, 0.5]",
            where: { $0 >= 0 && $0 <= 0.5 }, help: "held-out share,", "in [0, 0.5]"
          ) { $0.fraction = $1 },
          .seed("--seed", "S", help: "seed") { $0.seed = $1 },
          .choice("--optimizer", "NAME", ["adam", "sgd"], help: "adam | sgd") {
            $0.optimizer = $1
          },
        ]),
      .init(
        "input",
        [
          .text("--text", "FILE", help: "training text") { $0.text = $1 },
          .flag("--words", help: "word level") { $0.words = true },
          .text("--score", "TEXT", help: "repeatable") { $0.scores.append($1) },
          .text("--a-very-long-option-name", "VALUE", help: "starts on the next line") { _, _ in },
          .helpFlag,
        ]),
    ], nameColumn: 16)

  private func parse(_ arguments: [String]) throws -> Options? {
    var options = Options()
    return try table.parse(arguments, into: &options) ? options : nil
  }

  private func usageMessage(
    _ arguments: [String], file: StaticString = #filePath, line: UInt = #line
  )
    -> String
  {
    do {
      _ = try parse(arguments)
      XCTFail("\(arguments) was accepted", file: file, line: line)
      return ""
    } catch let error as UsageError {
      return error.message
    } catch {
      XCTFail("\(arguments) threw \(error), not a UsageError", file: file, line: line)
      return ""
    }
  }

  func testValuesInBothSpellingsAndInOrder() throws {
    let options = try XCTUnwrap(
      try parse([
        "--hidden", "64", "--lr=0.5", "--fraction", "0", "--seed=18446744073709551615",
        "--optimizer", "sgd", "--text", "a=b.txt", "--words", "--score", "x", "--score=y z",
      ]))
    XCTAssertEqual(
      options,
      Options(
        hidden: 64, rate: 0.5, fraction: 0, seed: UInt64.max, optimizer: "sgd", text: "a=b.txt",
        words: true, scores: ["x", "y z"]))
    // A later value replaces an earlier one.
    XCTAssertEqual(try parse(["--hidden", "3", "--hidden=4"])?.hidden, 4)
    // A value may itself start with dashes when it follows its option.
    XCTAssertEqual(try parse(["--text", "--words"])?.text, "--words")
  }

  func testHelpStopsParsingWherever() throws {
    XCTAssertNil(try parse(["--help"]))
    XCTAssertNil(try parse(["-h"]))
    XCTAssertNil(try parse(["--hidden", "3", "--help", "--nonsense"]))
  }

  func testEveryKindNamesTheOptionAndTheValue() {
    XCTAssertEqual(
      usageMessage(["--hidden", "0"]), "--hidden needs a whole number of at least 1, got '0'")
    XCTAssertEqual(
      usageMessage(["--hidden=1.5"]), "--hidden needs a whole number of at least 1, got '1.5'")
    XCTAssertEqual(usageMessage(["--lr", "-1"]), "--lr needs a positive number, got '-1'")
    XCTAssertEqual(usageMessage(["--lr", "inf"]), "--lr needs a positive number, got 'inf'")
    XCTAssertEqual(
      usageMessage(["--fraction", "0.7"]), "--fraction needs a number in [0, 0.5], got '0.7'")
    XCTAssertEqual(
      usageMessage(["--seed", "-1"]), "--seed needs a non-negative whole number, got '-1'")
    XCTAssertEqual(
      usageMessage(["--optimizer", "rms"]), "--optimizer must be one of adam, sgd; got 'rms'")
  }

  func testShapeMistakes() {
    XCTAssertEqual(usageMessage(["--bogus"]), "unknown argument '--bogus'")
    XCTAssertEqual(usageMessage(["--bogus=3"]), "unknown argument '--bogus'")
    XCTAssertEqual(usageMessage(["stray"]), "unknown argument 'stray'")
    XCTAssertEqual(usageMessage(["--hidden"]), "--hidden needs a value")
    XCTAssertEqual(usageMessage(["--words=yes"]), "--words takes no value (got 'yes')")
  }

  func testListsKeepTheGivenOrderAndNameTheBadItem() throws {
    let lists = OptionTable<[String]>(sections: [
      .init(
        "models",
        [.list("--models", "LIST", ["kn5", "ffnn", "elman-bp", "lstm"], help: "rows") { $0 = $1 }]
      )
    ])
    func parsed(_ arguments: [String]) throws -> [String] {
      var names: [String] = []
      _ = try lists.parse(arguments, into: &names)
      return names
    }
    func message(_ arguments: [String]) -> String {
      do {
        _ = try parsed(arguments)
        return "accepted"
      } catch let error as UsageError {
        return error.message
      } catch {
        return "\(error)"
      }
    }
    XCTAssertEqual(try parsed(["--models", "lstm,kn5"]), ["lstm", "kn5"])
    XCTAssertEqual(try parsed(["--models=elman-bp"]), ["elman-bp"])
    XCTAssertEqual(try parsed(["--models", "ffnn, lstm"]), ["ffnn", "lstm"])
    XCTAssertEqual(
      message(["--models", "kn5,rnn"]),
      "--models: unknown 'rnn'; choose from kn5, ffnn, elman-bp, lstm")
    XCTAssertEqual(message(["--models", "kn5,,lstm"]), message(["--models", "kn5,"]))
    XCTAssertEqual(message(["--models", "kn5,kn5"]), "--models lists 'kn5' twice")
    XCTAssertEqual(
      message(["--models", ""]),
      "--models needs a comma-separated list of kn5, ffnn, elman-bp, lstm; got ''")
  }

  func testHelpTextLayout() {
    XCTAssertEqual(
      table.help,
      """
      model:
        --hidden N      hidden units (default 128)
        --lr R          learning rate
        --fraction F    held-out share,
                        in [0, 0.5]
        --seed S        seed
        --optimizer NAME
                        adam | sgd

      input:
        --text FILE     training text
        --words         word level
        --score TEXT    repeatable
        --a-very-long-option-name VALUE
                        starts on the next line
        --help          show this text
      """)
  }
}
