import Testing
import Yams

@testable import StapjeKnowledge

/// Keyword weights and flags are read as Yams read them, for every form YAML 1.1 gives a number or a flag.
struct NumberTests {
    @Test(arguments: [
        "5", "1", "2.5", "0.25", "1.", ".5", "007", "", "1_0", "1e1", "0x10", ".inf", "-.inf", "'3'", "\"4\"",
        "1:30", "-1:30.5", "1::2", "abc", "٣", "+2", "-1", "1.2.3", ".", ".NaN", "+.Inf", "1_000.5", "|\n  7",
    ])
    func numbersAreReadAsYAMLReadsThem(text: String) throws {
        var yaml = YAMLReader(file: "t.yaml")
        let parsed = yaml.parse("w: \(text)\n")
        let value = try #require(parsed?["w"])
        let yams = try #require(try Yams.compose(yaml: "w: \(text)\n", Resolver.basic, .default, .utf8)?["w"])
        #expect(value.float.map { "\($0)" } == yams.float.map { "\($0)" })
    }

    @Test(arguments: [
        "true", "True", "TRUE", "yes", "Yes", "on", "ON", "false", "no", "off", "Off", "'true'", "\"yes\"", "y", "1",
        "",
    ])
    func flagsAreReadAsYAMLReadsThem(text: String) throws {
        var yaml = YAMLReader(file: "t.yaml")
        let parsed = yaml.parse("w: \(text)\n")
        let value = try #require(parsed?["w"])
        let yams = try #require(try Yams.compose(yaml: "w: \(text)\n", Resolver.basic, .default, .utf8)?["w"])
        #expect(value.bool == yams.bool)
    }
}
