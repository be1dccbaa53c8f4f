/// The value range and tick marks of one chart axis.
///
/// Ticks are "nice" numbers. On a linear axis they are evenly spaced with a step of
/// `1`, `2` or `5 × 10^k`, and the range is widened to whole steps. On a log axis they sit on
/// powers of ten (every decade, or every 2nd, 3rd, 5th, ... when there are too many), with
/// `2 × 10^k` and `5 × 10^k` added when the range covers only a few decades, and the range is
/// widened to whole decades.
///
/// ```swift
/// let axis = AxisLayout(scale: .logarithmic, covering: [3e-9, 0.02], maxTicks: 10)
/// axis.domain                          // 1e-9 ... 0.1
/// axis.ticks.map(\.label.description)  // ["10^−9", "10^−8", ..., "10^−1"]
/// ```
public struct AxisLayout: Equatable, Sendable {
  /// Linear or logarithmic.
  public let scale: AxisScale
  /// The values at the two ends of the axis.
  public let domain: ClosedRange<Double>
  /// The labeled ticks, in increasing order, all inside ``domain``.
  public let ticks: [Tick]
  /// Unlabeled minor tick positions (log axes only), inside ``domain``.
  public let minorTicks: [Double]

  /// Lays out an axis for `values`.
  ///
  /// - Parameters:
  ///   - scale: linear or logarithmic.
  ///   - values: the data to cover; values the scale cannot place (non-finite, or not
  ///     positive on a log axis) are ignored. With nothing left the axis shows `0...1`
  ///     (linear) or `1...10` (log).
  ///   - maxTicks: the most labeled ticks to use (at least 2); pass a smaller number for a short
  ///     axis or wide labels.
  ///   - fixedDomain: when given, the axis spans exactly this range (ticks fall inside it)
  ///     instead of one rounded outward from the data. It is ignored if the scale cannot place
  ///     its ends.
  public init(
    scale: AxisScale, covering values: [Double], maxTicks: Int = 8,
    fixedDomain: ClosedRange<Double>? = nil
  ) {
    self.scale = scale
    let limit = Swift.max(2, maxTicks)
    var usable = values.filter { scale.accepts($0) }
    var rounded = true
    if let fixed = fixedDomain, scale.accepts(fixed.lowerBound), scale.accepts(fixed.upperBound),
      fixed.lowerBound < fixed.upperBound
    {
      usable = [fixed.lowerBound, fixed.upperBound]
      rounded = false
    }
    let low = usable.min() ?? (scale == .linear ? 0 : 1)
    let high = usable.max() ?? (scale == .linear ? 1 : 10)
    switch scale {
    case .linear:
      let layout = AxisLayout.linear(low: low, high: high, maxTicks: limit, rounded: rounded)
      domain = layout.domain
      ticks = layout.ticks
      minorTicks = []
    case .logarithmic:
      let layout = AxisLayout.logarithmic(low: low, high: high, maxTicks: limit, rounded: rounded)
      domain = layout.domain
      ticks = layout.ticks
      minorTicks = layout.minor
    }
  }

  /// Where `value` falls along the axis: 0 at the lower end of ``domain``, 1 at the upper end,
  /// outside `0...1` beyond them; `nil` if the scale cannot place it.
  public func fraction(of value: Double) -> Double? {
    guard scale.accepts(value) else { return nil }
    let low = scale.transformed(domain.lowerBound)
    let high = scale.transformed(domain.upperBound)
    let t = (scale.transformed(value) - low) / (high - low)
    return t.isFinite ? t : nil
  }

  // MARK: Linear

  /// A tick step `multiplier × 10^exponent`, kept in parts so that multiples are computed
  /// with one correctly rounded operation (`3 × 0.1` would give 0.30000000000000004).
  private struct Step {
    var multiplier: Int
    var exponent: Int

    var value: Double { self[1] }

    subscript(index: Int) -> Double {
      let units = Double(index * multiplier)
      return exponent >= 0
        ? units * NumberText.powerOfTen(exponent) : units / NumberText.powerOfTen(-exponent)
    }
  }

  private static func linear(
    low: Double, high: Double, maxTicks: Int, rounded: Bool
  ) -> (domain: ClosedRange<Double>, ticks: [Tick]) {
    var low = low
    var high = high
    if !(high > low) {
      let pad = low == 0 ? 1 : Swift.abs(low) * 0.1
      low -= pad
      high += pad
    }
    // A little slack so that 0.3 / 0.1 = 2.9999999999999996 still counts as 3 steps.
    let slack = 1e-9
    let raw = (high - low) / Double(maxTicks - 1)
    let startExponent = NumberText.decimalExponent(raw)
    // The smallest 1-2-5 step that needs at most `maxTicks` ticks; a step of 5 × 10^(k+1)
    // always qualifies, so the search ends within two decades.
    var chosen = Step(multiplier: 5, exponent: startExponent + 2)
    var first = 0.0
    var last = 0.0
    search: for exponent in startExponent...(startExponent + 2) {
      for multiplier in [1, 2, 5] {
        let step = Step(multiplier: multiplier, exponent: exponent)
        if rounded {
          first = (low / step.value + slack).rounded(.down)
          last = (high / step.value - slack).rounded(.up)
        } else {
          first = (low / step.value - slack).rounded(.up)
          last = (high / step.value + slack).rounded(.down)
        }
        chosen = step
        if last - first + 1 <= Double(maxTicks) { break search }
      }
    }
    let indices = last >= first ? Array(Int(first)...Int(last)) : []
    let domain =
      rounded && !indices.isEmpty ? chosen[Int(first)]...chosen[Int(last)] : low...high
    let maxMagnitude = Swift.max(Swift.abs(domain.lowerBound), Swift.abs(domain.upperBound))
    let scientific = maxMagnitude >= 1e5 || chosen.exponent <= -4
    let ticks = indices.map { index -> Tick in
      let value = chosen[index]
      return Tick(value: value, label: linearLabel(value, step: chosen, scientific: scientific))
    }
    return (domain, ticks)
  }

  private static func linearLabel(_ value: Double, step: Step, scientific: Bool) -> TickLabel {
    guard scientific else {
      return TickLabel.plain(value, decimals: Swift.max(0, -step.exponent))
    }
    if value == 0 { return TickLabel(base: "0") }
    let exponent = NumberText.decimalExponent(value)
    let mantissa = value / NumberText.powerOfTen(exponent)
    let digits = NumberText.fixed(
      mantissa, decimals: Swift.max(0, exponent - step.exponent), minus: TickLabel.minus)
    return TickLabel.scientific(mantissa: digits, exponent: exponent)
  }

  // MARK: Logarithmic

  private static func logarithmic(
    low: Double, high: Double, maxTicks: Int, rounded: Bool
  ) -> (domain: ClosedRange<Double>, ticks: [Tick], minor: [Double]) {
    let domain: ClosedRange<Double>
    if rounded {
      let lowExponent = NumberText.decimalExponent(low)
      var highExponent = NumberText.decimalExponent(high)
      if NumberText.powerOfTen(highExponent) < high || highExponent == lowExponent {
        highExponent += 1
      }
      domain = NumberText.powerOfTen(lowExponent)...NumberText.powerOfTen(highExponent)
    } else {
      domain = low...high
    }
    // Relative slack, so a tick computed as 1e-5 still counts as inside a domain ending there.
    func inside(_ value: Double) -> Bool {
      value >= domain.lowerBound * (1 - 1e-9) && value <= domain.upperBound * (1 + 1e-9)
    }
    let firstDecade = NumberText.decimalExponent(domain.lowerBound)
    let lastDecade = NumberText.decimalExponent(domain.upperBound)
    let decades = Array(firstDecade...lastDecade)

    // Within a few decades, 1-2-5 ticks if they fit.
    let oneTwoFive = decades.flatMap { exponent in
      [1, 2, 5].map { Double($0) * NumberText.powerOfTen(exponent) }
    }.filter(inside)
    var values: [Double]
    var minor: [Double] = []
    if decades.count <= 4 && oneTwoFive.count >= 2 && oneTwoFive.count <= maxTicks {
      values = oneTwoFive
      minor = decades.flatMap { exponent in
        [3, 4, 6, 7, 8, 9].map { Double($0) * NumberText.powerOfTen(exponent) }
      }.filter(inside)
    } else {
      var stride = 1
      let powers = decades.map { NumberText.powerOfTen($0) }.filter(inside)
      for candidate in [1, 2, 3, 5, 10, 20, 50, 100] {
        stride = candidate
        if decades.filter({ $0 % candidate == 0 }).count <= maxTicks { break }
      }
      values = decades.filter { $0 % stride == 0 }.map { NumberText.powerOfTen($0) }
        .filter(inside)
      if stride == 1 {
        if decades.count <= 7 {
          minor = decades.flatMap { exponent in
            (2...9).map { Double($0) * NumberText.powerOfTen(exponent) }
          }.filter(inside)
        }
      } else {
        minor = powers.filter { !values.contains($0) }
      }
    }
    if values.count < 2 {
      // A fixed range inside one decade: plain linear ticks read best.
      let layout = linear(
        low: domain.lowerBound, high: domain.upperBound, maxTicks: maxTicks,
        rounded: false)
      return (domain, layout.ticks.filter { $0.value > 0 }, [])
    }
    let plain = values.allSatisfy { $0 >= 0.01 * (1 - 1e-9) && $0 <= 1000 * (1 + 1e-9) }
    let ticks = values.map { value -> Tick in
      let exponent = NumberText.decimalExponent(value * (1 + 1e-12))
      if plain {
        return Tick(value: value, label: .plain(value, decimals: Swift.max(0, -exponent)))
      }
      let leading = Int((value / NumberText.powerOfTen(exponent)).rounded())
      return Tick(value: value, label: .scientific(mantissa: String(leading), exponent: exponent))
    }
    return (domain, ticks, minor)
  }
}
