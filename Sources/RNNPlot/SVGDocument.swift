import Foundation

/// Anything that renders itself as a complete SVG file.
public protocol SVGFigure {
  /// The whole SVG document as text, starting with the XML declaration.
  func svg() -> String
}

extension SVGFigure {
  /// Writes ``svg()`` to `path` as UTF-8, atomically (a reader never sees half a file). The
  /// directory must exist.
  ///
  /// - Throws: the file system's error when the file cannot be written.
  public func write(to path: String) throws {
    try Data(svg().utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
  }
}

/// A blank SVG canvas of a given size that elements are appended to.
///
/// ``LineChart`` and ``Heatmap`` build one of these; use it directly for a one-off drawing.
///
/// ```swift
/// var document = SVGDocument(width: 200, height: 100)
/// document.append(SVGElement("circle", ["cx": "50", "cy": "50", "r": "20"]))
/// try document.write(to: "dot.svg")
/// ```
public struct SVGDocument: SVGFigure, Equatable, Sendable {
  /// Width in pixels (user units).
  public var width: Double
  /// Height in pixels (user units).
  public var height: Double
  /// The font family that text inherits.
  public var fontFamily: String
  /// The top-level elements, drawn in order (later ones on top).
  public var elements: [SVGElement] = []

  /// Creates an empty canvas.
  public init(
    width: Double, height: Double, fontFamily: String = "Helvetica, Arial, sans-serif"
  ) {
    self.width = width
    self.height = height
    self.fontFamily = fontFamily
  }

  /// Appends `element` on top of everything so far.
  public mutating func append(_ element: SVGElement) {
    elements.append(element)
  }

  /// Appends `elements` in order.
  public mutating func append(contentsOf elements: [SVGElement]) {
    self.elements.append(contentsOf: elements)
  }

  public func svg() -> String {
    let w = NumberText.coordinate(width)
    let h = NumberText.coordinate(height)
    let root = SVGElement(
      "svg",
      [
        "xmlns": "http://www.w3.org/2000/svg", "width": w, "height": h, "viewBox": "0 0 \(w) \(h)",
        "font-family": fontFamily, "font-size": "12",
      ],
      children: elements)
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + root.rendered()
  }
}
