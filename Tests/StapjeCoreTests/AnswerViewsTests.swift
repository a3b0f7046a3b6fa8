import StapjeKnowledge
import Testing

@testable import StapjeCore

/// The views made once when the conversation is built are the ones a reply would make itself.
struct AnswerViewsTests {
    @Test func everyAnswerInEveryRegionIsTheViewMadeOnTheSpot() {
        let conversation = TranscriptTests.conversation
        let content = conversation.content
        var count = 0
        for byLanguage in content.answers.values {
            for answer in byLanguage.values {
                for region in Region.allCases {
                    let made = AnswerView(answer, region: region, bundle: content)
                    #expect(conversation.views.view(of: answer, region: region, content: content) == made)
                    count += 1
                }
            }
        }
        #expect(count > 400)  // 36 topics, 3 languages, 4 regions
    }
}
