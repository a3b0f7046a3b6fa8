import ArgumentParser
import Foundation
import StapjeCore

struct Chat: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Talk with Stapje (the default). On a pipe, reads one message per line and prints the replies.")

    @OptionGroup var contentOptions: ContentOptions
    @OptionGroup var locale: LocaleOptions

    func run() throws {
        let conversation = try contentOptions.load()
        var session = try locale.session()
        let renderer = ReplyText(content: conversation.content)
        while let line = readLine(strippingNewline: true) {
            let (next, reply) = conversation.respond(to: line, in: session, at: Date())
            session = next
            print(renderer.lines(reply).joined(separator: "\n"))
            print("")
            fflush(nil)
            if reply.events.contains(.endSession) { session = try locale.session() }
        }
    }
}
