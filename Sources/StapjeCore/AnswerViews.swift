import StapjeKnowledge
import StapjeText

/// Every answer of the content resolved for every region, once, when the conversation is built: a reply then
/// copies its view instead of looking up each section's regional variant and each related topic's title again
/// (six dictionary lookups and a few more per related topic, on memory the question had not touched).
struct AnswerViews: Sendable {
    private struct Key: Hashable {
        var id: String
        var language: Language
        var region: Region
    }

    private let views: [Key: AnswerView]

    init(content: ContentBundle) {
        var views: [Key: AnswerView] = [:]
        for (id, byLanguage) in content.answers {
            for (language, answer) in byLanguage {
                for region in Region.allCases {
                    views[Key(id: id, language: language, region: region)] = AnswerView(
                        answer, region: region, bundle: content)
                }
            }
        }
        self.views = views
    }

    /// The view of `answer` (an answer of the content the views were made from) in `region`.
    func view(of answer: Answer, region: Region, content: ContentBundle) -> AnswerView {
        views[Key(id: answer.id, language: answer.language, region: region)]
            ?? AnswerView(answer, region: region, bundle: content)
    }
}
