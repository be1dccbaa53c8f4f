/// Builders for the handful of shapes the charts draw, with coordinates formatted through
/// ``NumberText`` so that output is reproducible.
extension SVGElement {
  /// Horizontal anchoring of text at its `x` coordinate.
  enum Anchor: String {
    case start, middle, end
  }

  static func line(
    x1: Double, y1: Double, x2: Double, y2: Double, stroke: SVGColor, width: Double = 1,
    dash: String? = nil
  ) -> SVGElement {
    var element = SVGElement(
      "line",
      [
        "x1": coordinate(x1), "y1": coordinate(y1), "x2": coordinate(x2),
        "y2": coordinate(y2), "stroke": stroke.hexString, "stroke-width": coordinate(width),
      ])
    if let dash { element.setAttribute("stroke-dasharray", dash) }
    return element
  }

  static func rect(
    x: Double, y: Double, width: Double, height: Double, fill: SVGColor?,
    stroke: SVGColor? = nil, strokeWidth: Double = 1
  ) -> SVGElement {
    var element = SVGElement(
      "rect",
      [
        "x": coordinate(x), "y": coordinate(y), "width": coordinate(Swift.max(0, width)),
        "height": coordinate(Swift.max(0, height)),
      ])
    element.setAttribute("fill", fill?.hexString ?? "none")
    if let stroke {
      element.setAttribute("stroke", stroke.hexString)
      element.setAttribute("stroke-width", coordinate(strokeWidth))
    }
    return element
  }

  /// An open path through `points` (pixel coordinates).
  static func polyline(
    _ points: [(x: Double, y: Double)], stroke: SVGColor, width: Double, dash: String?
  ) -> SVGElement {
    let list = points.map { coordinate($0.x) + "," + coordinate($0.y) }.joined(separator: " ")
    var element = SVGElement(
      "polyline",
      [
        "points": list, "fill": "none", "stroke": stroke.hexString,
        "stroke-width": coordinate(width), "stroke-linejoin": "round", "stroke-linecap": "round",
      ])
    if let dash { element.setAttribute("stroke-dasharray", dash) }
    return element
  }

  static func circle(x: Double, y: Double, radius: Double, fill: SVGColor) -> SVGElement {
    SVGElement(
      "circle",
      ["cx": coordinate(x), "cy": coordinate(y), "r": coordinate(radius), "fill": fill.hexString]
    )
  }

  /// Text at `(x, y)` (the baseline), optionally with a superscript exponent, rotated by
  /// `rotation` degrees about its anchor point. A `halo` draws a white outline behind the
  /// glyphs so the text stays readable on top of lines.
  static func label(
    _ label: TickLabel, x: Double, y: Double, anchor: Anchor = .start, size: Double = 12,
    color: SVGColor = .darkGray, bold: Bool = false, rotation: Double = 0, halo: Bool = false
  ) -> SVGElement {
    var element = SVGElement("text", ["x": coordinate(x), "y": coordinate(y)], text: label.base)
    if anchor != .start { element.setAttribute("text-anchor", anchor.rawValue) }
    if size != 12 { element.setAttribute("font-size", coordinate(size)) }
    element.setAttribute("fill", color.hexString)
    if bold { element.setAttribute("font-weight", "bold") }
    if rotation != 0 {
      element.setAttribute(
        "transform", "rotate(\(coordinate(rotation)) \(coordinate(x)) \(coordinate(y)))")
    }
    if halo {
      element.setAttribute("stroke", SVGColor.white.hexString)
      element.setAttribute("stroke-width", "3")
      element.setAttribute("stroke-linejoin", "round")
      element.setAttribute("paint-order", "stroke")
    }
    if let exponent = label.exponent {
      element.children.append(
        SVGElement(
          "tspan", ["dy": coordinate(-0.4 * size), "font-size": coordinate(0.75 * size)],
          text: exponent))
    }
    return element
  }

  static func label(
    _ text: String, x: Double, y: Double, anchor: Anchor = .start, size: Double = 12,
    color: SVGColor = .darkGray, bold: Bool = false, rotation: Double = 0, halo: Bool = false
  ) -> SVGElement {
    label(
      TickLabel(base: text), x: x, y: y, anchor: anchor, size: size, color: color, bold: bold,
      rotation: rotation, halo: halo)
  }

  static func group(
    _ attributes: KeyValuePairs<String, String> = [:], _ children: [SVGElement]
  )
    -> SVGElement
  {
    SVGElement("g", attributes, children: children)
  }

  /// A coordinate in SVG form; positions far off the canvas are clamped, since they only
  /// arise from values far outside a fixed axis range and would otherwise bloat the file.
  static func coordinate(_ value: Double) -> String {
    NumberText.coordinate(Swift.min(1e6, Swift.max(-1e6, value)))
  }
}

/// Rough text extents for layout. SVG has no text measurement, so widths are estimated from
/// the character count at an average glyph width of 0.56 em (about right for Helvetica).
enum TextMetrics {
  static func width(_ text: String, size: Double) -> Double {
    Double(text.count) * size * 0.56
  }

  static func width(_ label: TickLabel, size: Double) -> Double {
    width(label.base, size: size) + width(label.exponent ?? "", size: 0.75 * size)
  }
}
