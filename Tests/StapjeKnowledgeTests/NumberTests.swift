import Testing

@testable import StapjeKnowledge

/// Keyword weights are read with a shortcut for plain numbers: the same values as YAML's own reading.
struct NumberTests {
    @Test(arguments: [
        "5", "1", "2.5", "0.25", "1.", ".5", "007", "", "1_0", "1e1", "0x10", ".inf", "-.inf", "'3'", "\"4\"",
        "1:30", "abc", "٣", "+2", "-1", "1.2.3", ".",
    ])
    func numbersAreReadAsYAMLReadsThem(text: String) throws {
        var yaml = YAMLReader(file: "t.yaml")
        let parsed = yaml.parse("w: \(text)\n")
        let node = try #require(parsed)
        let pairs = yaml.pairs(node, what: "t")
        let value = try #require(pairs.first?.1)
        #expect(ContentLoader.number(value) == value.float)
    }
}
