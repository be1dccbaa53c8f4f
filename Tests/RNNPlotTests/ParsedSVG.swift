import Foundation
import XCTest

#if canImport(FoundationXML)
  import FoundationXML
#endif

/// An SVG file read back with Foundation's XML parser, so tests check what a viewer would see
/// rather than searching the raw text.
struct ParsedSVG {
  struct Element {
    var name: String
    var attributes: [String: String]
  }

  /// Every element in document order.
  var elements: [Element] = []
  /// All character data, concatenated per element and in document order.
  var texts: [String] = []

  /// Parses `svg`, failing the calling test (and returning `nil`) if it is not well-formed.
  init?(_ svg: String, file: StaticString = #filePath, line: UInt = #line) {
    let collector = Collector()
    let parser = XMLParser(data: Data(svg.utf8))
    parser.delegate = collector
    guard parser.parse() else {
      let reason = parser.parserError.map { "\($0)" } ?? "unknown error"
      XCTFail(
        "SVG is not well-formed XML (line \(parser.lineNumber)): \(reason)", file: file,
        line: line)
      return nil
    }
    elements = collector.elements
    texts = collector.texts
  }

  func elements(named name: String) -> [Element] {
    elements.filter { $0.name == name }
  }

  func elements(withClass className: String) -> [Element] {
    elements.filter {
      ($0.attributes["class"] ?? "").split(separator: " ").contains { $0 == className }
    }
  }

  /// Whether some element's text, joined with its tspans, equals `text`.
  func containsText(_ text: String) -> Bool {
    texts.contains(text)
  }

  private final class Collector: NSObject, XMLParserDelegate {
    var elements: [Element] = []
    var texts: [String] = []
    private var openText: [String] = []

    func parser(
      _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
      qualifiedName: String?, attributes: [String: String]
    ) {
      elements.append(Element(name: elementName, attributes: attributes))
      if elementName != "tspan" { openText.append("") }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
      if !openText.isEmpty { openText[openText.count - 1] += string }
    }

    func parser(
      _ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?,
      qualifiedName: String?
    ) {
      guard elementName != "tspan", let text = openText.popLast() else { return }
      let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
      if !trimmed.isEmpty { texts.append(trimmed) }
    }
  }
}

/// Fails if `svg` contains text that means a number went wrong on its way into the file.
func assertNoNonFiniteText(
  _ svg: String, file: StaticString = #filePath, line: UInt = #line
) {
  let lower = svg.lowercased()
  for bad in ["nan", "inf", "+inf"] where lower.contains(bad) {
    XCTFail("SVG contains \"\(bad)\"", file: file, line: line)
  }
}

/// The numbers in a `points="x,y x,y ..."` attribute.
func polylinePoints(_ attribute: String?) -> [(x: Double, y: Double)] {
  (attribute ?? "").split(separator: " ").compactMap { pair in
    let parts = pair.split(separator: ",")
    guard parts.count == 2, let x = Double(parts[0]), let y = Double(parts[1]) else {
      return nil
    }
    return (x, y)
  }
}
