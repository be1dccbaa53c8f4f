/// One SVG element: a name, ordered attributes, optional text and child elements.
///
/// Rendering escapes attribute values and text, so any string (a series name with `<` or `&`,
/// say) gives well-formed XML. Attributes keep the order they were given in, which keeps the
/// output byte-for-byte reproducible.
///
/// ```swift
/// let label = SVGElement("text", ["x": "10", "y": "20"], text: "loss < 1")
/// label.rendered()   // <text x="10" y="20">loss &lt; 1</text>
/// ```
public struct SVGElement: Equatable, Sendable {
  /// One `name="value"` pair; `value` is raw text and is escaped on output.
  public struct Attribute: Equatable, Sendable {
    /// The attribute name, such as `stroke-width`.
    public var name: String
    /// The unescaped value.
    public var value: String

    /// Creates an attribute.
    public init(_ name: String, _ value: String) {
      self.name = name
      self.value = value
    }
  }

  /// The tag name, such as `rect` or `text`.
  public var name: String
  /// The attributes, in output order.
  public var attributes: [Attribute]
  /// Character data written before the children (unescaped here, escaped on output).
  public var text: String?
  /// Nested elements.
  public var children: [SVGElement]

  /// Creates an element; `attributes` keep their literal order.
  public init(
    _ name: String, _ attributes: KeyValuePairs<String, String> = [:], text: String? = nil,
    children: [SVGElement] = []
  ) {
    self.name = name
    self.attributes = attributes.map { Attribute($0.key, $0.value) }
    self.text = text
    self.children = children
  }

  /// Adds (or replaces) an attribute.
  public mutating func setAttribute(_ name: String, _ value: String) {
    if let index = attributes.firstIndex(where: { $0.name == name }) {
      attributes[index].value = value
    } else {
      attributes.append(Attribute(name, value))
    }
  }

  /// The element as XML, one element per line, nested elements indented by two spaces.
  /// Elements with text are written on one line, since whitespace inside them would show.
  public func rendered(depth: Int = 0) -> String {
    var out = ""
    render(into: &out, depth: depth)
    return out
  }

  func render(into out: inout String, depth: Int) {
    out += String(repeating: "  ", count: depth)
    renderInline(into: &out, multiline: true, depth: depth)
    out += "\n"
  }

  private func renderInline(into out: inout String, multiline: Bool, depth: Int) {
    out += "<" + name
    for attribute in attributes {
      out += " " + attribute.name + "=\"" + SVGElement.escape(attribute.value) + "\""
    }
    if text == nil && children.isEmpty {
      out += "/>"
      return
    }
    out += ">"
    if text != nil || name == "text" || !multiline {
      out += SVGElement.escape(text ?? "")
      for child in children { child.renderInline(into: &out, multiline: false, depth: 0) }
    } else {
      out += "\n"
      for child in children { child.render(into: &out, depth: depth + 1) }
      out += String(repeating: "  ", count: depth)
    }
    out += "</" + name + ">"
  }

  /// `text` made safe for XML character data and attribute values: `&`, `<`, `>`, `"` and `'`
  /// become entities, and control characters that XML 1.0 forbids become U+FFFD.
  public static func escape(_ text: String) -> String {
    var out = ""
    out.reserveCapacity(text.utf8.count)
    for scalar in text.unicodeScalars {
      switch scalar {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "\"": out += "&quot;"
      case "'": out += "&apos;"
      case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
      default:
        // XML 1.0 allows no C0 controls besides tab and newlines, and no U+FFFE/U+FFFF.
        if scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF {
          out += "\u{FFFD}"
        } else {
          out.unicodeScalars.append(scalar)
        }
      }
    }
    return out
  }
}
