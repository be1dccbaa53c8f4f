import Foundation

/// Locale-independent number text for SVG coordinates and labels.
///
/// The digits are produced with integer arithmetic rather than `String(format:)`, so the same
/// value always gives the same bytes, whatever the locale or platform. Every function here
/// returns `"0"` for a non-finite input, so no `nan` or `inf` can reach an SVG file; the charts
/// drop such values before they get this far.
enum NumberText {
  /// `x` rounded to `decimals` places, always with exactly that many decimals, for example
  /// `fixed(2.5, decimals: 2) == "2.50"`. Negative zero prints as zero.
  static func fixed(_ x: Double, decimals: Int, minus: String = "-") -> String {
    guard x.isFinite else { return "0" }
    let places = Swift.max(0, Swift.min(decimals, 12))
    var power = 1.0
    for _ in 0..<places { power *= 10 }
    let scaled = (Swift.abs(x) * power).rounded()
    // Beyond 2^53 the integer path would lose digits; such values only arise from nonsense
    // input, so print them without decimals instead.
    guard scaled < 9.0e15 else {
      let whole = Swift.abs(x).rounded()
      let digits = whole < 9.0e18 ? String(UInt64(whole)) : "9000000000000000000"
      return (x < 0 ? minus : "") + digits
    }
    let units = UInt64(scaled)
    let divisor = UInt64(power)
    var text = String(units / divisor)
    if places > 0 {
      let fraction = String(units % divisor)
      text += "." + String(repeating: "0", count: places - fraction.count) + fraction
    }
    return (x < 0 && units != 0 ? minus : "") + text
  }

  /// `x` with at most `decimals` places and no trailing zeros: `"12.5"`, `"3"`, `"-0.25"`.
  /// This is the form used for SVG coordinates.
  static func coordinate(_ x: Double, decimals: Int = 2) -> String {
    var text = fixed(x, decimals: decimals)
    if text.contains(".") {
      while text.hasSuffix("0") { text.removeLast() }
      if text.hasSuffix(".") { text.removeLast() }
    }
    return text == "-0" ? "0" : text
  }

  /// The decimal exponent `k` with `10^k <= |x| < 10^(k+1)`, corrected for the rounding of
  /// `log10` near powers of ten.
  static func decimalExponent(_ x: Double) -> Int {
    let magnitude = Swift.abs(x)
    guard magnitude > 0, magnitude.isFinite else { return 0 }
    var k = Int(log10(magnitude).rounded(.down))
    if powerOfTen(k) > magnitude { k -= 1 }
    if powerOfTen(k + 1) <= magnitude { k += 1 }
    return k
  }

  /// `10^k`, exact for the powers that `Double` represents exactly and correctly rounded
  /// otherwise (`pow` may be off by an ulp on some platforms).
  static func powerOfTen(_ k: Int) -> Double {
    if k >= 0 && k <= 22 {
      var value = 1.0
      for _ in 0..<k { value *= 10 }
      return value
    }
    if k < 0 && k >= -22 { return 1 / powerOfTen(-k) }
    return Double("1e\(k)") ?? pow(10, Double(k))
  }
}
