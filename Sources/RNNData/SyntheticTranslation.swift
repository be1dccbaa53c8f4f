import RNNCore

/// Translation tasks the kit generates, small enough to train in minutes and with a known right
/// answer for every input, so that exact match measures a model.
///
/// - ``dates(count:seed:)``: dates as people write them (`3rd of March 1997`, `03/03/97`,
///   `MONDAY, MARCH 3, 1997`, ...) to normalize into ISO `1997-03-03`. Many surface forms map to
///   one output, the decoder has to copy some characters and reorder or rewrite others (month
///   names become numbers, two-digit years gain a century), and the input's format is only
///   known after reading part of it. Meant for character-level tokens.
/// - ``reversal(count:seed:lengths:symbols:)``: a sequence of letters to write backwards. Every
///   output token is a copy of one input token, far from it in the source for the first and last
///   outputs, so the task measures long-range alignment: an encoder that squeezes the whole
///   input into one fixed-size vector fails as inputs grow, and attention does not.
///
/// Every generator is deterministic: the same arguments give the same pairs on every platform
/// (all draws go through ``RNNCore/RandomSource``).
public enum SyntheticTranslation {
  // MARK: Dates

  /// The years the date task covers. A two-digit year is unambiguous inside it: `50`-`99` are
  /// 1950-1999 and `00`-`49` are 2000-2049.
  public static let years = 1950...2049

  /// The English month names, January first.
  public static let monthNames = [
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
  ]

  /// The English weekday names, Monday first.
  public static let weekdayNames = [
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
  ]

  /// The ways the date task writes a date, shown for Monday 3 March 1997.
  ///
  /// The numeric forms with the year last always put the day first (day/month/year, as in most
  /// of Europe), never the month, so no source has two readings. Two-digit years follow
  /// ``years``.
  public enum DateFormat: String, CaseIterable, Sendable {
    /// `3rd of March 1997`
    case ordinalOfMonthYear
    /// `03/03/97`: day/month/two-digit year, zero-padded.
    case slashedShortYear
    /// `March 3 1997`
    case monthDayYear
    /// `March 3, 1997`
    case monthDayCommaYear
    /// `3 Mar 1997`
    case dayShortMonthYear
    /// `1997.03.03`: year.month.day, zero-padded.
    case dottedYearFirst
    /// `Monday, March 3, 1997`
    case weekdayMonthDayYear
    /// `3 March 97`
    case dayMonthShortYear
    /// `Mar 3rd, 1997`
    case shortMonthOrdinalYear
    /// `03-03-1997`: day-month-year, zero-padded.
    case dashedDayFirst
    /// `3/3/1997`: day/month/year, not padded.
    case slashedDayFirst
    /// `Mon, 3 Mar 1997` (the style of e-mail headers)
    case shortWeekdayDayShortMonthYear

    /// The date in this format, with month and weekday names capitalized (`Monday`, `March`)
    /// and everything else lowercase (`3rd of`). `year` must lie in ``years`` and the date must
    /// exist.
    public func render(year: Int, month: Int, day: Int) -> String {
      precondition(
        SyntheticTranslation.isValidDate(year: year, month: month, day: day)
          && SyntheticTranslation.years.contains(year),
        "DateFormat.render: \(year)-\(month)-\(day) is not a date in 1950...2049")
      let monthName = SyntheticTranslation.monthNames[month - 1]
      let shortMonth = String(monthName.prefix(3))
      let weekday = SyntheticTranslation.weekdayNames[
        SyntheticTranslation.weekday(year: year, month: month, day: day)]
      let shortYear = pad(year % 100)
      switch self {
      case .ordinalOfMonthYear: return "\(ordinal(day)) of \(monthName) \(year)"
      case .slashedShortYear: return "\(pad(day))/\(pad(month))/\(shortYear)"
      case .monthDayYear: return "\(monthName) \(day) \(year)"
      case .monthDayCommaYear: return "\(monthName) \(day), \(year)"
      case .dayShortMonthYear: return "\(day) \(shortMonth) \(year)"
      case .dottedYearFirst: return "\(year).\(pad(month)).\(pad(day))"
      case .weekdayMonthDayYear: return "\(weekday), \(monthName) \(day), \(year)"
      case .dayMonthShortYear: return "\(day) \(monthName) \(shortYear)"
      case .shortMonthOrdinalYear: return "\(shortMonth) \(ordinal(day)), \(year)"
      case .dashedDayFirst: return "\(pad(day))-\(pad(month))-\(year)"
      case .slashedDayFirst: return "\(day)/\(month)/\(year)"
      case .shortWeekdayDayShortMonthYear:
        return "\(weekday.prefix(3)), \(day) \(shortMonth) \(year)"
      }
    }

    private func pad(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }

    private func ordinal(_ n: Int) -> String {
      let suffix: String
      switch (n % 10, n % 100) {
      case (_, 11...13): suffix = "th"
      case (1, _): suffix = "st"
      case (2, _): suffix = "nd"
      case (3, _): suffix = "rd"
      default: suffix = "th"
      }
      return "\(n)\(suffix)"
    }
  }

  /// `count` dates drawn uniformly from the days of ``years``, each written in a uniformly drawn
  /// ``DateFormat`` and, equally often, lowercase, as rendered (`March`), or uppercase; the
  /// target is the ISO form `YYYY-MM-DD`. Days may repeat. The same seed gives the same pairs.
  ///
  /// The source alphabet is digits, English letters of both cases, space and `, . / -`; the
  /// target's is digits and `-`. Use character-level tokens (``TranslationText/Level/character``).
  public static func dates(count: Int, seed: UInt64) -> [SentencePair] {
    precondition(count >= 0, "SyntheticTranslation.dates: count must not be negative")
    var rng = RandomSource(seed: seed)
    let days = allDays
    return (0..<count).map { _ in datePair(days[rng.int(below: days.count)], &rng) }
  }

  /// Three sets of date pairs (drawn as in ``dates(count:seed:)``) that share no calendar day:
  /// the seed assigns each day of ``years`` to one split, so validation and test dates are days
  /// the training set never shows in any format, and exact match on them measures
  /// generalization rather than memory.
  ///
  /// While the three counts sum to at most the number of days (36,525), every pair has a day of
  /// its own; beyond that the days are divided in proportion to the counts and reused in turn
  /// (in new formats and casings).
  public static func dateSplits(
    train: Int, valid: Int, test: Int, seed: UInt64
  ) -> (
    train: [SentencePair], valid: [SentencePair], test: [SentencePair]
  ) {
    precondition(
      train >= 0 && valid >= 0 && test >= 0,
      "SyntheticTranslation.dateSplits: counts must not be negative")
    var rng = RandomSource(seed: seed)
    let days = allDays
    let order = rng.permutation(days.count)
    let counts = [train, valid, test]
    let total = counts.reduce(0, +)
    var sizes = counts
    if total > days.count {
      // Shares in proportion to the counts, every non-empty split at least one day.
      sizes = counts.map { $0 == 0 ? 0 : max(1, $0 * days.count / total) }
      while sizes.reduce(0, +) > days.count {
        let largest = sizes.indices.max { sizes[$0] < sizes[$1] } ?? 0
        sizes[largest] -= 1
      }
    }
    var start = 0
    var splits: [[SentencePair]] = []
    for (count, size) in zip(counts, sizes) {
      let block = order[start..<start + size]
      start += size
      splits.append(
        (0..<count).map { i in
          datePair(days[block[block.startIndex + i % size]], &rng)
        })
    }
    return (splits[0], splits[1], splits[2])
  }

  /// Whether `year`-`month`-`day` exists in the Gregorian calendar.
  public static func isValidDate(year: Int, month: Int, day: Int) -> Bool {
    (1...12).contains(month) && day >= 1 && day <= daysIn(month: month, year: year)
  }

  /// The day of the week, 0 for Monday through 6 for Sunday (Gregorian calendar).
  public static func weekday(year: Int, month: Int, day: Int) -> Int {
    // Sakamoto's method: counts from a Sunday, with January and February taken as months of
    // the year before so the leap day comes last.
    let offsets = [0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4]
    let y = month < 3 ? year - 1 : year
    let sundayBased = (y + y / 4 - y / 100 + y / 400 + offsets[month - 1] + day) % 7
    return (sundayBased + 6) % 7
  }

  static func daysIn(month: Int, year: Int) -> Int {
    switch month {
    case 2:
      let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
      return leap ? 29 : 28
    case 4, 6, 9, 11: return 30
    default: return 31
    }
  }

  /// Every day of ``years`` in order, as (year, month, day).
  static let allDays: [(year: Int, month: Int, day: Int)] = years.flatMap { year in
    (1...12).flatMap { month in
      (1...daysIn(month: month, year: year)).map { (year, month, $0) }
    }
  }

  /// One pair for `date`, its format and casing drawn from `rng`.
  static func datePair(
    _ date: (year: Int, month: Int, day: Int), _ rng: inout RandomSource
  )
    -> SentencePair
  {
    let format = DateFormat.allCases[rng.int(below: DateFormat.allCases.count)]
    var source = format.render(year: date.year, month: date.month, day: date.day)
    switch rng.int(below: 3) {
    case 0: source = source.lowercased()
    case 1: source = source.uppercased()
    default: break
    }
    let month = date.month < 10 ? "0\(date.month)" : "\(date.month)"
    let day = date.day < 10 ? "0\(date.day)" : "\(date.day)"
    return SentencePair(source: source, target: "\(date.year)-\(month)-\(day)")
  }

  // MARK: Reversal

  /// `count` pairs whose source is a sequence of letters separated by single spaces and whose
  /// target is the same letters in reverse order (`c a h b` → `b h a c`).
  ///
  /// Lengths are drawn uniformly from `lengths` (at least 1), letters uniformly from the first
  /// `symbols` lowercase letters (1 to 26): with few symbols the task is pure alignment, not
  /// vocabulary. Read the pairs with word-level tokens. Training on short sequences and testing
  /// on long ones shows where a fixed-size context runs out. The same seed gives the same pairs.
  public static func reversal(
    count: Int, seed: UInt64, lengths: ClosedRange<Int>, symbols: Int = 8
  ) -> [SentencePair] {
    precondition(count >= 0, "SyntheticTranslation.reversal: count must not be negative")
    precondition(
      lengths.lowerBound >= 1, "SyntheticTranslation.reversal: lengths must start at 1 or more")
    precondition(
      (1...26).contains(symbols), "SyntheticTranslation.reversal: symbols must be in 1...26")
    let alphabet = "abcdefghijklmnopqrstuvwxyz".prefix(symbols).map { String($0) }
    var rng = RandomSource(seed: seed)
    return (0..<count).map { _ in
      let length = lengths.lowerBound + rng.int(below: lengths.count)
      let letters = (0..<length).map { _ in alphabet[rng.int(below: symbols)] }
      return SentencePair(
        source: letters.joined(separator: " "),
        target: letters.reversed().joined(separator: " "))
    }
  }
}
