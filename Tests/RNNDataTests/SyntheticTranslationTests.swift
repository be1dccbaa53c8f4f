import Foundation
import RNNData
import XCTest

final class SyntheticTranslationTests: XCTestCase {
  typealias Format = SyntheticTranslation.DateFormat

  /// The Gregorian calendar in UTC, an independent check of the generator's calendar.
  let calendar: Calendar = {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
    return calendar
  }()

  /// The (year, month, day) of an ISO `YYYY-MM-DD` string that names a real date, else `nil`.
  func isoDate(_ text: String) -> (year: Int, month: Int, day: Int)? {
    let parts = text.split(separator: "-", omittingEmptySubsequences: false)
    guard text.count == 10, parts.count == 3, parts.map(\.count) == [4, 2, 2],
      let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2])
    else { return nil }
    let components = DateComponents(year: year, month: month, day: day)
    guard let date = calendar.date(from: components) else { return nil }
    let back = calendar.dateComponents([.year, .month, .day], from: date)
    guard back.year == year, back.month == month, back.day == day else { return nil }
    return (year, month, day)
  }

  /// Foundation's weekday name for a date.
  func weekdayName(_ year: Int, _ month: Int, _ day: Int) -> String {
    let date = calendar.date(from: DateComponents(year: year, month: month, day: day))
    let weekday = date.map { calendar.component(.weekday, from: $0) } ?? 0  // 1 = Sunday
    return ["", "sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"][
      weekday]
  }

  /// Reads a generated source back into a date, independently of the generator: month and
  /// weekday names (full or three letters), ordinal suffixes, and numeric day-first or
  /// year-first forms. Fails the test when a name or suffix is wrong.
  func readDate(_ source: String, file: StaticString = #filePath, line: UInt = #line) -> String? {
    let text = source.lowercased()
    var runs: [String] = []
    for c in text {
      let kind: (Character) -> Bool = c.isLetter ? { $0.isLetter } : { $0.isNumber }
      if c.isLetter || c.isNumber {
        if let last = runs.last?.last, kind(last) {
          runs[runs.count - 1].append(c)
        } else {
          runs.append(String(c))
        }
      } else {
        runs.append("")
      }
    }
    runs.removeAll { $0.isEmpty }
    let months = [
      "january", "february", "march", "april", "may", "june", "july", "august", "september",
      "october", "november", "december",
    ]
    let weekdays = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
    var numbers: [String] = []
    var month: Int?
    var weekday: String?
    var suffix: (number: String, suffix: String)?
    for run in runs {
      if run.first?.isNumber == true {
        numbers.append(run)
      } else if let m = months.firstIndex(where: { $0 == run || $0.prefix(3) == run }) {
        month = m + 1
      } else if let w = weekdays.first(where: { $0 == run || $0.prefix(3) == run }) {
        weekday = w
      } else if ["st", "nd", "rd", "th"].contains(run), let number = numbers.last {
        suffix = (number, run)
      } else if run != "of" {
        XCTFail("unexpected word '\(run)' in '\(source)'", file: file, line: line)
        return nil
      }
    }
    func fullYear(_ s: String) -> Int? {
      guard let n = Int(s) else { return nil }
      if s.count == 4 { return n }
      return s.count == 2 ? (n >= 50 ? 1900 + n : 2000 + n) : nil
    }
    var y: Int?
    var m: Int?
    var d: Int?
    if let month, numbers.count == 2 {
      let yearFirst = numbers[0].count == 4
      y = fullYear(yearFirst ? numbers[0] : numbers[1])
      m = month
      d = Int(yearFirst ? numbers[1] : numbers[0])
    } else if month == nil, numbers.count == 3 {
      let yearFirst = numbers[0].count == 4
      y = fullYear(yearFirst ? numbers[0] : numbers[2])
      m = Int(numbers[1])
      d = Int(yearFirst ? numbers[2] : numbers[0])
    }
    guard let y, let m, let d else {
      XCTFail("cannot read '\(source)'", file: file, line: line)
      return nil
    }
    if let suffix {
      // 1st 2nd 3rd 4th ... 11th 12th 13th ... 21st 22nd 23rd ... 31st
      let right =
        (11...13).contains(d) || !(1...3).contains(d % 10) ? "th" : ["st", "nd", "rd"][d % 10 - 1]
      XCTAssertEqual(suffix.number, "\(d)", "suffix on the day: \(source)", file: file, line: line)
      XCTAssertEqual(suffix.suffix, right, "ordinal suffix: \(source)", file: file, line: line)
    }
    if let weekday {
      XCTAssertEqual(weekday, weekdayName(y, m, d), "weekday of \(source)", file: file, line: line)
    }
    return String(format: "%04d-%02d-%02d", y, m, d)
  }

  /// The shape of a source: letter runs as `a`, one- or two-digit runs as `9`, four-digit runs
  /// as `Y`, everything else as it is. Each format has its own shape.
  func shape(_ source: String) -> String {
    var out = ""
    var digits = 0
    var inLetters = false
    func endDigits() {
      if digits > 0 { out += digits == 4 ? "Y" : "9" }
      digits = 0
    }
    for c in source {
      if c.isNumber {
        inLetters = false
        digits += 1
        continue
      }
      endDigits()
      if c.isLetter {
        if !inLetters { out += "a" }
        inLetters = true
      } else {
        inLetters = false
        out.append(c)
      }
    }
    endDigits()
    return out
  }

  func testEveryFormatOfOneDate() {
    let expected: [Format: String] = [
      .ordinalOfMonthYear: "3rd of March 1997",
      .slashedShortYear: "03/03/97",
      .monthDayYear: "March 3 1997",
      .monthDayCommaYear: "March 3, 1997",
      .dayShortMonthYear: "3 Mar 1997",
      .dottedYearFirst: "1997.03.03",
      .weekdayMonthDayYear: "Monday, March 3, 1997",
      .dayMonthShortYear: "3 March 97",
      .shortMonthOrdinalYear: "Mar 3rd, 1997",
      .dashedDayFirst: "03-03-1997",
      .slashedDayFirst: "3/3/1997",
      .shortWeekdayDayShortMonthYear: "Mon, 3 Mar 1997",
    ]
    XCTAssertEqual(Set(expected.keys), Set(Format.allCases))
    for format in Format.allCases {
      XCTAssertEqual(format.render(year: 1997, month: 3, day: 3), expected[format])
    }
    XCTAssertEqual(
      Set(Format.allCases.map { shape($0.render(year: 1997, month: 3, day: 3)) }).count,
      Format.allCases.count)
  }

  func testCalendarEdgesAndTwoDigitYears() {
    XCTAssertEqual(
      Format.weekdayMonthDayYear.render(year: 2000, month: 2, day: 29),
      "Tuesday, February 29, 2000")
    XCTAssertEqual(Format.slashedShortYear.render(year: 2049, month: 12, day: 31), "31/12/49")
    XCTAssertEqual(Format.dayMonthShortYear.render(year: 1950, month: 1, day: 1), "1 January 50")
    XCTAssertEqual(Format.slashedShortYear.render(year: 2005, month: 7, day: 9), "09/07/05")
    XCTAssertEqual(
      Format.shortMonthOrdinalYear.render(year: 2012, month: 1, day: 13), "Jan 13th, 2012")
    XCTAssertEqual(
      Format.ordinalOfMonthYear.render(year: 2021, month: 11, day: 22), "22nd of November 2021")
    XCTAssertEqual(
      Format.ordinalOfMonthYear.render(year: 2021, month: 5, day: 31), "31st of May 2021")
    XCTAssertTrue(SyntheticTranslation.isValidDate(year: 2000, month: 2, day: 29))
    XCTAssertTrue(SyntheticTranslation.isValidDate(year: 1996, month: 2, day: 29))
    XCTAssertFalse(SyntheticTranslation.isValidDate(year: 1900, month: 2, day: 29))
    XCTAssertFalse(SyntheticTranslation.isValidDate(year: 1997, month: 2, day: 29))
    XCTAssertFalse(SyntheticTranslation.isValidDate(year: 1997, month: 4, day: 31))
    XCTAssertFalse(SyntheticTranslation.isValidDate(year: 1997, month: 13, day: 1))
  }

  func testWeekdayAgreesWithFoundationOnEveryDay() {
    let names = SyntheticTranslation.weekdayNames.map { $0.lowercased() }
    for year in SyntheticTranslation.years {
      for month in 1...12 {
        for day in 1...31 where SyntheticTranslation.isValidDate(year: year, month: month, day: day)
        {
          let weekday = SyntheticTranslation.weekday(year: year, month: month, day: day)
          XCTAssertEqual(names[weekday], weekdayName(year, month, day), "\(year)-\(month)-\(day)")
        }
      }
    }
  }

  func testDatesAreDeterministic() {
    let a = SyntheticTranslation.dates(count: 200, seed: 5)
    XCTAssertEqual(a, SyntheticTranslation.dates(count: 200, seed: 5))
    XCTAssertNotEqual(a, SyntheticTranslation.dates(count: 200, seed: 6))
    XCTAssertEqual(Array(a.prefix(50)), SyntheticTranslation.dates(count: 50, seed: 5))
  }

  func testEverySourceReadsBackAsItsTarget() {
    let pairs = SyntheticTranslation.dates(count: 2000, seed: 11)
    var shapes = Set<String>()
    var casings = Set<String>()
    for pair in pairs {
      let date = isoDate(pair.target)
      XCTAssertNotNil(date, "target \(pair.target) is not a valid ISO date")
      if let date { XCTAssertTrue(SyntheticTranslation.years.contains(date.year), pair.target) }
      XCTAssertEqual(readDate(pair.source), pair.target, pair.source)
      shapes.insert(shape(pair.source))
      if pair.source.contains(where: \.isLetter) {
        casings.insert(
          pair.source == pair.source.lowercased()
            ? "lower" : pair.source == pair.source.uppercased() ? "upper" : "title")
      }
    }
    XCTAssertEqual(shapes.count, Format.allCases.count)
    XCTAssertEqual(casings, ["lower", "upper", "title"])
  }

  func testAtLeastTenFormatsInFiveHundredSamples() {
    for seed: UInt64 in 1...5 {
      let shapes = Set(SyntheticTranslation.dates(count: 500, seed: seed).map { shape($0.source) })
      XCTAssertGreaterThanOrEqual(shapes.count, 10, "seed \(seed): \(shapes.sorted())")
    }
  }

  func testTwoDigitYearsFollowTheCenturyRule() {
    let pairs = SyntheticTranslation.dates(count: 3000, seed: 2).filter {
      ["9/9/9", "9 a 9"].contains(shape($0.source))
    }
    XCTAssertFalse(pairs.isEmpty)
    for pair in pairs {
      let shortYear = pair.source.suffix(2)
      let century = Int(shortYear).map { $0 >= 50 ? "19" : "20" } ?? "?"
      XCTAssertEqual(century + shortYear, String(pair.target.prefix(4)), pair.source)
    }
  }

  func testGoldenFirstDates() {
    // Pins the generator, so that results measured on its pairs stay comparable.
    let pairs = SyntheticTranslation.dates(count: 3, seed: 1)
    XCTAssertEqual(pairs.map(\.source), ["22/6/1990", "TUE, 20 AUG 1996", "22-09-1999"])
    XCTAssertEqual(pairs.map(\.target), ["1990-06-22", "1996-08-20", "1999-09-22"])
  }

  func testSplitsShareNoDate() {
    let splits = SyntheticTranslation.dateSplits(train: 3000, valid: 500, test: 500, seed: 3)
    XCTAssertEqual(splits.train.count, 3000)
    XCTAssertEqual(splits.valid.count, 500)
    XCTAssertEqual(splits.test.count, 500)
    let train = Set(splits.train.map(\.target))
    let valid = Set(splits.valid.map(\.target))
    let test = Set(splits.test.map(\.target))
    XCTAssertEqual(train.count, 3000, "each pair has a day of its own")
    XCTAssertTrue(train.isDisjoint(with: valid))
    XCTAssertTrue(train.isDisjoint(with: test))
    XCTAssertTrue(valid.isDisjoint(with: test))
    for pair in splits.train + splits.valid + splits.test {
      XCTAssertEqual(readDate(pair.source), pair.target, pair.source)
    }
    let again = SyntheticTranslation.dateSplits(train: 3000, valid: 500, test: 500, seed: 3)
    XCTAssertEqual(again.train, splits.train)
    XCTAssertEqual(again.test, splits.test)
    let other = SyntheticTranslation.dateSplits(train: 3000, valid: 500, test: 500, seed: 4)
    XCTAssertNotEqual(other.test, splits.test)
  }

  func testSplitsLargerThanTheCalendarStayDisjoint() {
    let splits = SyntheticTranslation.dateSplits(train: 40000, valid: 200, test: 0, seed: 9)
    XCTAssertEqual(splits.train.count, 40000)
    XCTAssertEqual(splits.valid.count, 200)
    XCTAssertEqual(splits.test.count, 0)
    let valid = Set(splits.valid.map(\.target))
    XCTAssertGreaterThan(valid.count, 1)
    XCTAssertTrue(Set(splits.train.map(\.target)).isDisjoint(with: valid))
  }

  func testReversal() {
    let pairs = SyntheticTranslation.reversal(count: 500, seed: 4, lengths: 3...12, symbols: 5)
    XCTAssertEqual(
      pairs, SyntheticTranslation.reversal(count: 500, seed: 4, lengths: 3...12, symbols: 5))
    var lengths = Set<Int>()
    var letters = Set<String>()
    for pair in pairs {
      let source = pair.source.split(separator: " ", omittingEmptySubsequences: false).map(
        String.init)
      let target = pair.target.split(separator: " ", omittingEmptySubsequences: false).map(
        String.init)
      XCTAssertTrue((3...12).contains(source.count), pair.source)
      XCTAssertEqual(target, source.reversed(), pair.source)
      XCTAssertEqual(TranslationText.tokens(pair.source, level: .word), source)
      lengths.insert(source.count)
      letters.formUnion(source)
    }
    XCTAssertEqual(lengths, Set(3...12), "every length appears")
    XCTAssertEqual(letters, ["a", "b", "c", "d", "e"], "the first five letters, all of them")
  }

  func testReversalDefaultsAndFixedLength() {
    let pairs = SyntheticTranslation.reversal(count: 300, seed: 1, lengths: 20...20)
    let letters = Set(pairs.flatMap { $0.source.split(separator: " ").map(String.init) })
    XCTAssertEqual(letters, Set("abcdefgh".map { String($0) }))
    XCTAssertTrue(pairs.allSatisfy { $0.source.split(separator: " ").count == 20 })
    XCTAssertNotEqual(pairs, SyntheticTranslation.reversal(count: 300, seed: 2, lengths: 20...20))
  }
}
