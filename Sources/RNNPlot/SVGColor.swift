/// An opaque sRGB color, written into SVG as `#rrggbb`.
public struct SVGColor: Equatable, Hashable, Sendable {
  /// The red channel, 0-255.
  public var red: UInt8
  /// The green channel, 0-255.
  public var green: UInt8
  /// The blue channel, 0-255.
  public var blue: UInt8

  /// Creates a color from its three channels.
  public init(red: UInt8, green: UInt8, blue: UInt8) {
    self.red = red
    self.green = green
    self.blue = blue
  }

  /// Creates a color from a 24-bit hex literal such as `0x0072B2`.
  public init(hex: UInt32) {
    self.init(
      red: UInt8(truncatingIfNeeded: hex >> 16), green: UInt8(truncatingIfNeeded: hex >> 8),
      blue: UInt8(truncatingIfNeeded: hex))
  }

  /// The color as SVG text, lowercase `#rrggbb`.
  public var hexString: String {
    let digits = Array("0123456789abcdef")
    var text = "#"
    for channel in [red, green, blue] {
      text.append(digits[Int(channel >> 4)])
      text.append(digits[Int(channel & 0xF)])
    }
    return text
  }

  /// Relative luminance in `0...1` (ITU-R BT.709 weights on the gamma-encoded channels, which
  /// is close enough to choose black or white text on top of the color).
  public var luminance: Double {
    (0.2126 * Double(red) + 0.7152 * Double(green) + 0.0722 * Double(blue)) / 255
  }

  /// The color `fraction` of the way from `self` to `other` (0 gives `self`, 1 gives `other`),
  /// interpolated channel by channel.
  public func mixed(with other: SVGColor, fraction: Double) -> SVGColor {
    let t = fraction.isFinite ? Swift.min(1, Swift.max(0, fraction)) : 0
    func channel(_ a: UInt8, _ b: UInt8) -> UInt8 {
      UInt8((Double(a) + (Double(b) - Double(a)) * t).rounded())
    }
    return SVGColor(
      red: channel(red, other.red), green: channel(green, other.green),
      blue: channel(blue, other.blue))
  }

  /// Black.
  public static let black = SVGColor(hex: 0x000000)
  /// White.
  public static let white = SVGColor(hex: 0xFFFFFF)
  /// The dark gray used for axes and text.
  public static let darkGray = SVGColor(hex: 0x333333)
  /// The mid gray used for reference lines.
  public static let gray = SVGColor(hex: 0x777777)
  /// The light gray used for grid lines and missing heatmap cells.
  public static let lightGray = SVGColor(hex: 0xDDDDDD)

  /// Series colors, in the order charts assign them: the Okabe-Ito palette, which stays
  /// distinguishable under the common forms of color blindness. Its yellow comes last because
  /// it is hard to see on white.
  public static let palette: [SVGColor] = [
    SVGColor(hex: 0x0072B2),  // blue
    SVGColor(hex: 0xD55E00),  // vermillion
    SVGColor(hex: 0x009E73),  // bluish green
    SVGColor(hex: 0xCC79A7),  // reddish purple
    SVGColor(hex: 0xE69F00),  // orange
    SVGColor(hex: 0x56B4E9),  // sky blue
    SVGColor(hex: 0x000000),  // black
    SVGColor(hex: 0xF0E442),  // yellow
  ]

  /// The `index`-th palette color, cycling when there are more series than colors.
  public static func palette(_ index: Int) -> SVGColor {
    let count = palette.count
    return palette[((index % count) + count) % count]
  }
}
