import Foundation
import Testing

@testable import StapjeServer

/// The protocol over a real socket: every command, pipelining, tags, JSON mode, RESUME.
@Suite(.timeLimit(.minutes(2)))
struct ProtocolTests {
    /// The last line of a reply, split into code, keyword and parameters.
    struct Final {
        var code: String
        var keyword: String
        var parameters: [String: String]

        init(_ lines: [String]) throws {
            let line = try #require(lines.last)
            var words = line.split(separator: " ").map(String.init)
            if words.first?.hasPrefix("@") == true { words.removeFirst() }
            code = words.first ?? ""
            keyword = words.count > 1 ? words[1] : ""
            parameters = [:]
            for word in words.dropFirst(2) {
                let parts = word.split(separator: "=", maxSplits: 1)
                if parts.count == 2 { parameters[String(parts[0])] = String(parts[1]) }
            }
        }
    }

    func exchange(_ client: TestClient, _ line: String) async throws -> (lines: [String], final: Final) {
        try await client.send(line + "\n")
        let lines = try await client.readReply()
        return (lines, try Final(lines))
    }

    @Test func scriptedSessionOfEveryCommand() async throws {
        try await withServer({ $0.maximumErrors = 100 }) { server in
            let client = try await server.connect()
            let banner = try await client.readReply()
            #expect(banner.count == 1)
            #expect(banner[0].hasPrefix("200 READY stapje STAPJE/1 "))
            #expect(banner[0].contains("HELLO"))

            var (lines, final) = try await exchange(client, "HELP")
            #expect(final.code == "214")
            #expect(lines.count > 20)
            #expect(lines.dropLast().allSatisfy { $0.hasPrefix("214-") })
            (lines, final) = try await exchange(client, "help follow")
            #expect(lines == ["214-FOLLOW <n>", "214-choose number n from a list", "214 HELP"])
            (lines, final) = try await exchange(client, "CAPA")
            #expect(lines.contains("250-VERSION STAPJE/1"))
            #expect(lines.contains("250-MAXLINE 2048"))
            #expect(try await exchange(client, "PING hi").lines == ["250 PONG hi"])
            (_, final) = try await exchange(client, "STATUS")
            #expect(final.parameters["hello"] == "no")
            #expect(try await exchange(client, "ASK hallo").final.code == "503")
            #expect(try await exchange(client, "NEW").final.code == "503")

            (lines, final) = try await exchange(client, "HELLO script STAPJE/1")
            #expect(final.code == "250" && final.keyword == "HELLO")
            #expect(final.parameters["format"] == "text")
            #expect(try await exchange(client, "HELLO again").final.code == "503")
            #expect(try await exchange(client, "NEXT").final.code == "503")
            #expect(try await exchange(client, "NEW lang=de").final.code == "504")

            (lines, final) = try await exchange(client, "NEW lang=en region=VL channel=kiosk site=bib-gent-1")
            #expect(final.code == "220" && final.keyword == "SESSION")
            let token = try #require(final.parameters["token"])
            #expect(token.count == 19)
            #expect(final.parameters["lang"] == "en")
            #expect(lines.contains { $0.hasPrefix("220-Hello! I am Stapje.") })

            (lines, final) = try await exchange(client, "ASK how do I apply for a job online")
            #expect(final.code == "210" && final.keyword == "ANSWER")
            #expect(final.parameters["topic"] == "jobs.apply-online")
            let total = try #require(final.parameters["step"]?.split(separator: "/").last.flatMap { Int($0) })
            #expect(final.parameters["step"] == "1/\(total)")

            (_, final) = try await exchange(client, "NEXT")
            #expect(final.code == "213" && final.parameters["step"] == "2/\(total)")
            (_, final) = try await exchange(client, "BACK")
            #expect(final.parameters["step"] == "1/\(total)")
            (_, final) = try await exchange(client, "REPEAT")
            #expect(final.parameters["step"] == "1/\(total)")
            (_, final) = try await exchange(client, "NEXT")
            (_, final) = try await exchange(client, "RESTART")
            #expect(final.parameters["step"] == "1/\(total)")
            #expect(try await exchange(client, "FOLLOW 1").final.code == "503")
            (lines, final) = try await exchange(client, "ALL")
            #expect(final.code == "213" && final.parameters["step"] == "\(total)/\(total)")
            let options = try #require(final.parameters["options"].flatMap { Int($0) })
            #expect(options >= 1)
            let past = try await exchange(client, "FOLLOW \(options + 1)").final
            #expect(past.code == "501", "a number past the list did nothing: no 2xx")
            (_, final) = try await exchange(client, "FOLLOW 1")
            #expect(final.code == "210")
            let followed = try #require(final.parameters["topic"])
            #expect(followed != "jobs.apply-online")

            (lines, final) = try await exchange(client, "LANG fr")
            #expect(final.code == "230" && final.parameters["lang"] == "fr")
            #expect(try await exchange(client, "LANG xx").final.code == "504")
            (_, final) = try await exchange(client, "REGION BXL")
            #expect(final.code == "231" && final.parameters["region"] == "BXL")
            #expect(try await exchange(client, "REGION mars").final.code == "504")

            (lines, final) = try await exchange(client, "HUMAN")
            #expect(final.code == "241" && final.keyword == "HANDOFF")
            #expect(final.parameters["durable"] == "no")
            let requested = try #require(try await client.readLine())
            #expect(requested == "* 614 HANDOFF-REQUESTED seq=1 topic=\(followed) durable=no")
            #expect(try await exchange(client, "HUMAN").final.code == "503")
            (_, final) = try await exchange(client, "CANCEL")
            #expect(final.code == "250" && final.keyword == "CANCELLED")
            #expect(try await client.readLine() == "* 612 HANDOFF-ENDED seq=2 state=cancelled")
            #expect(try await exchange(client, "CANCEL").final.code == "503")

            (_, final) = try await exchange(client, "STATUS")
            #expect(final.parameters["session"] == "active")
            #expect(final.parameters["token"] == token)
            #expect(final.parameters["topic"] == followed)
            #expect(final.parameters["seq"] == "2")
            #expect(final.parameters["channel"] == "kiosk")
            #expect(final.parameters["site"] == "bib-gent-1")

            (_, final) = try await exchange(client, "STATS")
            #expect(final.keyword == "STATS")
            #expect(final.parameters["questions"] == "1")
            #expect(final.parameters["handoffs"] == "1")
            #expect(final.parameters["answers.answer"] == "2")
            #expect(final.parameters["errors"] == "11")

            (lines, final) = try await exchange(client, "END")
            #expect(final.code == "250" && final.keyword == "ENDED")
            #expect(try await exchange(client, "ASK hallo").final.code == "503")
            (_, final) = try await exchange(client, "STATUS")
            #expect(final.parameters["session"] == "none")

            let other = try await server.greetedClient()
            #expect(try await exchange(other, "RESUME \(token)").final.code == "550")

            #expect(try await exchange(client, "QUIT").lines == ["221 BYE goodbye"])
            #expect(try await client.readLine() == nil)
        }
    }

    /// NEW with a region and no lang= starts in the region's usual language, which the first messages can change.
    @Test func aRegionWithoutALanguageStartsInTheRegionsLanguage() async throws {
        try await withServer { server in
            let client = try await server.greetedClient()
            var (lines, final) = try await exchange(client, "NEW region=WAL")
            #expect(final.parameters["lang"] == "fr")
            #expect(lines.contains { $0.hasPrefix("220-Bonjour") }, "\(lines)")
            // "salut" fits French and Flemish alike: read in French, and before anything was asked it is a hello.
            (lines, final) = try await exchange(client, "ASK salut")
            #expect(final.code == "212" && final.keyword == "CHAT" && final.parameters["lang"] == "fr", "\(lines)")
            #expect(!lines.contains { $0.contains("621") })
            (_, final) = try await exchange(client, "ASK hoe maak ik een e-mailadres")
            #expect(final.parameters["topic"] == "email.create" && final.parameters["lang"] == "nl")
            (_, final) = try await exchange(client, "NEW")
            #expect(final.parameters["lang"] == "nl")  // no region: the server's default (VL, Dutch)
        }
    }

    @Test func pipelinedCommandsGetOneReplyEachInOrder() async throws {
        try await withServer({ $0.maximumErrors = 100 }) { server in
            let client = try await server.greetedClient()
            var batch = ""
            for index in 0..<50 {
                switch index % 5 {
                case 0: batch += "@p\(index) PING n\(index)\n"
                case 1: batch += "@p\(index) CAPA\n"
                case 2: batch += "\n  \n@p\(index) FROB\n"
                case 3: batch += "@p\(index) STATUS\r\n"
                default: batch += "@p\(index) HELP\n"
                }
            }
            try await client.send(batch)
            for index in 0..<50 {
                let reply = try await client.readReply()
                #expect(reply.allSatisfy { $0.hasPrefix("@p\(index) ") }, "reply \(index): \(reply)")
                if index % 5 == 0 { #expect(reply == ["@p\(index) 250 PONG n\(index)"]) }
                if index % 5 == 2 { #expect(reply.last?.hasPrefix("@p\(index) 500 UNKNOWN-COMMAND") == true) }
            }
            try await client.send("PING last\n")
            #expect(try await client.readReply() == ["250 PONG last"])
        }
    }

    @Test func tagsComeBackOnEveryLine() async throws {
        try await withServer { server in
            let client = try await server.greetedClient()
            try await client.send("@h.1 HELP\n")
            let help = try await client.readReply()
            #expect(help.count > 3)
            #expect(help.allSatisfy { $0.hasPrefix("@h.1 214") })
            try await client.send("@a_b-9 NEW lang=nl\n")
            let session = try await client.readReply()
            #expect(session.allSatisfy { $0.hasPrefix("@a_b-9 220") })
            try await client.send("@\(String(repeating: "x", count: 65)) PING\n")
            let refused = try await client.readReply()
            #expect(refused.count == 1 && refused[0].hasPrefix("501 SYNTAX"))
            try await client.send("@z QUIT\n")
            #expect(try await client.readReply() == ["@z 221 BYE goodbye"])
        }
    }

    @Test func jsonModeCarriesTheAskContract() async throws {
        try await withServer { server in
            let client = try await server.connect()
            _ = try await client.readReply()
            try await client.send("HELLO bridge STAPJE/1 format=json\n")
            let hello = try json(try #require(try await client.readLine()))
            #expect(hello["code"] as? Int == 250)
            #expect(hello["kw"] as? String == "HELLO")
            #expect(hello["format"] as? String == "json")
            #expect((hello["lines"] as? [String])?.contains("FORMAT text json") == true)

            try await client.send(#"{"cmd":"new","lang":"fr","tag":"n1"}"# + "\n")
            let new = try json(try #require(try await client.readLine()))
            #expect(new["tag"] as? String == "n1")
            #expect(new["code"] as? Int == 220)
            #expect((new["token"] as? String)?.count == 19)

            try await client.send(#"{"cmd":"ask","text":"comment postuler à un emploi en ligne","tag":"q1"}"# + "\n")
            let answer = try json(try #require(try await client.readLine()))
            #expect(answer["tag"] as? String == "q1")
            #expect(answer["code"] as? Int == 210)
            #expect(answer["kw"] as? String == "ANSWER")
            let reply = try #require(answer["reply"] as? [String: Any])
            for key in [
                "input", "kind", "intent", "confidence", "language", "region", "alternatives", "texts", "options",
            ] {
                #expect(reply[key] != nil, "reply has no \(key)")
            }
            #expect(reply["kind"] as? String == "answer")
            #expect(reply["language"] as? String == "fr")
            let shown = try #require(reply["answer"] as? [String: Any])
            #expect(shown["id"] as? String == "jobs.apply-online")
            #expect((shown["stepsShown"] as? [String])?.count == 1)

            // A step in JSON mode: the reply says which, as the final line does.
            try await client.send(#"{"cmd":"next","tag":"s1"}"# + "\n")
            let step = try json(try #require(try await client.readLine()))
            #expect(step["code"] as? Int == 213)
            let stepReply = try #require(step["reply"] as? [String: Any])
            #expect(stepReply["kind"] as? String == "step")
            #expect(stepReply["topic"] as? String == "jobs.apply-online")
            #expect((stepReply["position"] as? [String: Any])?["step"] as? Int == 2)
            #expect((stepReply["stepsShown"] as? [String])?.count == 1)

            try await client.send("HUMAN\n")
            let handoff = try json(try #require(try await client.readLine()))
            #expect(handoff["code"] as? Int == 241)
            #expect(handoff["durable"] as? String == "no")
            let event = try json(try #require(try await client.readLine()))
            #expect(event["event"] as? Int == 614)
            #expect(event["kw"] as? String == "HANDOFF-REQUESTED")
            #expect(event["seq"] as? Int == 1)

            try await client.send("FROB\n")
            let error = try json(try #require(try await client.readLine()))
            #expect(error["code"] as? Int == 500)
            #expect(error["kw"] as? String == "UNKNOWN-COMMAND")
        }
    }

    func json(_ line: String) throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: Data(line.utf8))
        return try #require(object as? [String: Any], "not a JSON object: \(line)")
    }

    @Test func resumeReplaysMissedEventsAndRefusesABusySession() async throws {
        try await withServer { server in
            let first = try await server.greetedClient()
            let (_, session) = try await exchange(first, "NEW lang=nl")
            let token = try #require(session.parameters["token"])
            #expect(try await exchange(first, "HUMAN").final.code == "241")
            #expect(try await first.readLine()?.hasPrefix("* 614 HANDOFF-REQUESTED seq=1") == true)

            let second = try await server.greetedClient()
            #expect(try await exchange(second, "RESUME \(token)").final.code == "453")
            #expect(try await exchange(second, "RESUME NOPE-NOPE-NOPE-NOPE").final.code == "550")

            first.close()
            #expect(try await first.readUntilClosed().isEmpty)
            var resumed = try await exchange(second, "RESUME \(token) since=0")
            for _ in 0..<50 where resumed.final.code == "453" {
                // The server detaches the session once it has seen the first connection close.
                try await Task.sleep(for: .milliseconds(50))
                resumed = try await exchange(second, "RESUME \(token) since=0")
            }
            #expect(resumed.final.code == "220")
            #expect(resumed.final.parameters["resumed"] == "yes")
            #expect(resumed.final.parameters["replay"] == "1")
            #expect(try await second.readLine()?.hasPrefix("* 614 HANDOFF-REQUESTED seq=1") == true)
            let status = try await exchange(second, "STATUS").final
            #expect(status.parameters["handoff"] == "requested")
            #expect(try await exchange(second, "RESUME \(token) since=1").final.parameters["replay"] == "0")
        }
    }

    @Test func sessionsExpireAfterTheirTimeToLive() async throws {
        try await withServer({ $0.sessionTimeToLive = .milliseconds(300) }) { server in
            let client = try await server.greetedClient()
            let token = try #require(try await exchange(client, "NEW").final.parameters["token"])
            try await Task.sleep(for: .seconds(1))
            #expect(try await exchange(client, "NEXT").final.code == "550")
            #expect(try await exchange(client, "RESUME \(token)").final.code == "550")
            #expect(try await server.stats()["sessions"] == 0)
        }
    }
}
