/// The text of a tick or scale label: a base and an optional superscript exponent, so that
/// `10^-5` can be drawn as 10 with a raised −5.
///
/// Negative signs are the typographic minus, U+2212 (`−`), as in printed math.
public struct TickLabel: Equatable, Sendable, CustomStringConvertible {
  /// The text on the baseline: `"0.5"`, `"10"`, or `"2×10"`.
  public var base: String
  /// The superscript after `base`, if any: `"−5"`.
  public var exponent: String?

  /// Creates a label.
  public init(base: String, exponent: String? = nil) {
    self.base = base
    self.exponent = exponent
  }

  /// One-line form for messages and tests: `"0.5"`, `"10^−5"`, `"2×10^3"`.
  public var description: String {
    exponent.map { base + "^" + $0 } ?? base
  }

  static let minus = "\u{2212}"

  /// `mantissa × 10^exponent`, with the mantissa left out when it is 1.
  static func scientific(mantissa: String, exponent: Int) -> TickLabel {
    let power = exponent < 0 ? minus + String(-exponent) : String(exponent)
    return TickLabel(base: mantissa == "1" ? "10" : mantissa + "×10", exponent: power)
  }

  /// `value` with `decimals` places.
  static func plain(_ value: Double, decimals: Int) -> TickLabel {
    TickLabel(base: NumberText.fixed(value, decimals: decimals, minus: minus))
  }

  /// A compact label for an arbitrary value (such as a color bar's minimum): three
  /// significant digits, in scientific form outside `0.001 ..< 10000`.
  static func compact(_ value: Double) -> TickLabel {
    guard value.isFinite else { return TickLabel(base: "0") }
    if value == 0 { return TickLabel(base: "0") }
    let exponent = NumberText.decimalExponent(value)
    if exponent >= -3 && exponent <= 3 {
      return trimmed(NumberText.fixed(value, decimals: Swift.max(0, 2 - exponent), minus: minus))
    }
    var mantissa = value / NumberText.powerOfTen(exponent)
    var power = exponent
    // Rounding to two decimals can carry into the next power (9.996 -> 10.00).
    if Swift.abs(mantissa) >= 9.995 {
      mantissa /= 10
      power += 1
    }
    let digits = trimmed(NumberText.fixed(mantissa, decimals: 2, minus: minus)).base
    return scientific(mantissa: digits, exponent: power)
  }

  private static func trimmed(_ text: String) -> TickLabel {
    var text = text
    if text.contains(".") {
      while text.hasSuffix("0") { text.removeLast() }
      if text.hasSuffix(".") { text.removeLast() }
    }
    return TickLabel(base: text)
  }
}

/// A labeled position on an axis.
public struct Tick: Equatable, Sendable {
  /// The data value at the tick.
  public var value: Double
  /// What is written next to it.
  public var label: TickLabel

  /// Creates a tick.
  public init(value: Double, label: TickLabel) {
    self.value = value
    self.label = label
  }
}
