/// A box-and-arrow drawing: the kit's pictures of recurrent cells and unrolled networks.
///
/// Nodes are placed by hand (centre coordinates in pixels); an edge runs from the border of
/// one node to the border of another, through optional bends, and ends in an arrowhead.
///
/// ```swift
/// var d = Diagram(width: 200, height: 100, title: "one step")
/// d.add(Diagram.Node("x", "xₜ", x: 40, y: 50, shape: .plain))
/// d.add(Diagram.Node("h", "hₜ", x: 150, y: 50))
/// d.connect("x", "h", label: "W")
/// try d.write(to: "step.svg")
/// ```
public struct Diagram: SVGFigure, Sendable {
  /// How a node is drawn.
  public enum Shape: Sendable {
    /// A rounded rectangle (a layer or a gate).
    case box
    /// A small circle holding an operator such as `⊙` or `+`.
    case operation
    /// Text only (an input or an output).
    case plain
  }

  /// One node: an identifier for edges, its text, its centre and its look.
  public struct Node: Sendable {
    public var id: String
    public var label: String
    public var x: Double
    public var y: Double
    public var shape: Shape
    public var fill: SVGColor
    /// The box's size; operations and plain nodes size themselves.
    public var width: Double
    public var height: Double

    public init(
      _ id: String, _ label: String, x: Double, y: Double, shape: Shape = .box,
      fill: SVGColor = SVGColor(hex: 0xE8F0FA), width: Double? = nil, height: Double = 30
    ) {
      self.id = id
      self.label = label
      self.x = x
      self.y = y
      self.shape = shape
      self.fill = fill
      self.width = width ?? max(44, TextMetrics.width(label, size: 13) + 20)
      self.height = height
    }

    /// Half extents of the node's outline.
    var halfSize: (w: Double, h: Double) {
      switch shape {
      case .box: return (width / 2, height / 2)
      case .operation: return (12, 12)
      case .plain: return (TextMetrics.width(label, size: 13) / 2 + 4, 10)
      }
    }

    /// Where the segment from the centre towards `(tx, ty)` leaves the outline.
    func border(towards tx: Double, _ ty: Double) -> (x: Double, y: Double) {
      let dx = tx - x
      let dy = ty - y
      if dx == 0 && dy == 0 { return (x, y) }
      if shape == .operation {
        let length = (dx * dx + dy * dy).squareRoot()
        return (x + 12 * dx / length, y + 12 * dy / length)
      }
      let (hw, hh) = halfSize
      let scale = min(dx == 0 ? .infinity : hw / abs(dx), dy == 0 ? .infinity : hh / abs(dy))
      return (x + dx * scale, y + dy * scale)
    }
  }

  /// One arrow from `from` to `to`, through `via` (bends), with an optional label placed at
  /// `labelAt` (a fraction of the way along the first segment) and dashed if asked.
  public struct Edge: Sendable {
    public var from: String
    public var to: String
    public var via: [(x: Double, y: Double)]
    public var label: String?
    public var labelAt: Double
    public var dashed: Bool
  }

  public var width: Double
  public var height: Double
  public var title: String
  /// A line under the title (a convention, a gate order).
  public var subtitle: String
  public private(set) var nodes: [Node] = []
  public private(set) var edges: [Edge] = []

  public init(width: Double, height: Double, title: String, subtitle: String = "") {
    self.width = width
    self.height = height
    self.title = title
    self.subtitle = subtitle
  }

  /// Adds a node; identifiers must be unique.
  public mutating func add(_ node: Node) {
    precondition(!nodes.contains { $0.id == node.id }, "Diagram: node \(node.id) added twice")
    nodes.append(node)
  }

  /// Draws an arrow from node `from` to node `to`.
  public mutating func connect(
    _ from: String, _ to: String, via: [(x: Double, y: Double)] = [], label: String? = nil,
    labelAt: Double = 0.5, dashed: Bool = false
  ) {
    edges.append(
      Edge(from: from, to: to, via: via, label: label, labelAt: labelAt, dashed: dashed))
  }

  func node(_ id: String) -> Node {
    guard let node = nodes.first(where: { $0.id == id }) else {
      preconditionFailure("Diagram: no node \(id)")
    }
    return node
  }

  /// The polyline of an edge, clipped to both nodes' outlines.
  func path(of edge: Edge) -> [(x: Double, y: Double)] {
    let a = node(edge.from)
    let b = node(edge.to)
    let first = edge.via.first ?? (b.x, b.y)
    let last = edge.via.last ?? (a.x, a.y)
    return [a.border(towards: first.x, first.y)] + edge.via + [b.border(towards: last.x, last.y)]
  }

  public func svg() -> String {
    var document = SVGDocument(width: width, height: height)
    let ink = SVGColor.darkGray
    document.append(
      SVGElement(
        "defs",
        children: [
          SVGElement(
            "marker",
            [
              "id": "arrow", "viewBox": "0 0 10 10", "refX": "9", "refY": "5",
              "markerWidth": "7", "markerHeight": "7", "orient": "auto-start-reverse",
            ],
            children: [SVGElement("path", ["d": "M 0 0 L 10 5 L 0 10 z", "fill": ink.hexString])]
          )
        ]))
    document.append(.rect(x: 0, y: 0, width: width, height: height, fill: .white))
    document.append(.label(title, x: width / 2, y: 22, anchor: .middle, size: 15, bold: true))
    if !subtitle.isEmpty {
      document.append(.label(subtitle, x: width / 2, y: 40, anchor: .middle, size: 11))
    }
    for edge in edges {
      let points = path(of: edge)
      var line = SVGElement.polyline(
        points, stroke: ink, width: 1.4, dash: edge.dashed ? "5 3" : nil)
      line.setAttribute("marker-end", "url(#arrow)")
      document.append(line)
      if let label = edge.label, points.count >= 2 {
        let t = edge.labelAt
        let x = points[0].x + t * (points[1].x - points[0].x)
        let y = points[0].y + t * (points[1].y - points[0].y)
        document.append(
          .label(label, x: x + 4, y: y - 4, size: 11, color: SVGColor(hex: 0x8A3B12), halo: true))
      }
    }
    for node in nodes {
      let (hw, hh) = node.halfSize
      switch node.shape {
      case .box:
        var box = SVGElement.rect(
          x: node.x - hw, y: node.y - hh, width: 2 * hw, height: 2 * hh, fill: node.fill,
          stroke: ink, strokeWidth: 1.2)
        box.setAttribute("rx", "6")
        document.append(box)
      case .operation:
        var circle = SVGElement.circle(x: node.x, y: node.y, radius: 12, fill: node.fill)
        circle.setAttribute("stroke", ink.hexString)
        circle.setAttribute("stroke-width", "1.2")
        document.append(circle)
      case .plain:
        break
      }
      document.append(
        .label(node.label, x: node.x, y: node.y + 4.5, anchor: .middle, size: 13, color: ink))
    }
    return document.svg()
  }
}
