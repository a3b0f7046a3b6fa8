extension Pattern {
    /// Reads pattern sources and writes their programs (`Pattern.code`), one pattern after another.
    ///
    /// A pattern is read into flat lists (nodes, sequences of nodes, options of choices) that are emptied, not
    /// freed, between patterns: a content has a few thousand patterns, and a tree of small arrays for each (a list
    /// per sequence and per option) made compiling cost several times its reading. Recursion follows the brackets;
    /// the sequences and options being read wait on stacks, so each ends up contiguous in its list.
    struct Compiler {
        /// One parsed element: a stem (`lower` is its id), one of several stems (`lower..<upper` in `stems`), a
        /// wildcard, or a choice (`lower..<upper` in `options`).
        private struct Node {
            let kind: Step.Kind
            let optional: Bool
            let lower: Int32
            let upper: Int32
        }

        private var bytes: [UInt8] = []
        private var index = 0
        /// How many brackets are open where the reader is.
        private var depth = 0
        private var nodes: [Node] = []
        private var stems: [Int32] = []
        /// Sequences of nodes (by index), each a range of this list.
        private var sequences: [Int32] = []
        /// The options of choices, each a range of `sequences`; a choice's options are a range of this list.
        private var options: [Range<Int32>] = []
        /// The nodes of the sequences being read, and the options of the choices being read.
        private var nodeStack: [Int32] = []
        private var optionStack: [Range<Int32>] = []
        /// What the program is made of before it is packed into one block.
        private var steps: [Step] = []
        private var words: [Int32] = []
        private var branches: [Range<Int32>] = []
        private var pending: [(step: Int, options: Range<Int32>)] = []
        /// The required steps of the program being written, as ranges of words, and the stems of its choices'
        /// requirements (written after its words); kept from pattern to pattern, like the lists above.
        private var required: [(lower: Int32, upper: Int32)] = []
        private var needed: [Int32] = []
        private var choiceStems: [Int32] = []

        /// The deepest bracket nesting read: patterns need two or three levels, and a pasted `((((...` thousands
        /// deep would overflow the stack of the thread compiling it (reading, compiling and matching recurse).
        static let maximumDepth = 32

        init() {}

        /// Compiles `source`: `stem` gives the stems of one word from its UTF-8 (none for a small word), `concept`
        /// a concept's phrases as stem sequences.
        mutating func compile(
            _ source: String, stem: (UnsafeBufferPointer<UInt8>) -> [Int32], concept: (String) -> [[Int32]]?
        ) throws(SyntaxError) -> Pattern {
            bytes.removeAll(keepingCapacity: true)
            bytes.append(contentsOf: source.utf8)
            index = 0
            depth = 0
            nodes.removeAll(keepingCapacity: true)
            stems.removeAll(keepingCapacity: true)
            sequences.removeAll(keepingCapacity: true)
            options.removeAll(keepingCapacity: true)
            nodeStack.removeAll(keepingCapacity: true)
            optionStack.removeAll(keepingCapacity: true)
            let top = try sequence(until: nil, stem: stem, concept: concept)
            let meaningful = sequences[Int(top.lowerBound)..<Int(top.upperBound)].contains { position in
                let node = nodes[Int(position)]
                return node.kind != .wildcard && !node.optional
            }
            guard meaningful else {
                throw SyntaxError(message: "this pattern has no required word (small words are ignored); add one")
            }
            return Pattern(code: program(top), source: source)
        }

        // MARK: Reading

        private mutating func sequence(
            until closer: UInt8?, stem: (UnsafeBufferPointer<UInt8>) -> [Int32], concept: (String) -> [[Int32]]?
        ) throws(SyntaxError) -> Range<Int32> {
            let base = nodeStack.count
            while index < bytes.count {
                let byte = bytes[index]
                switch byte {
                case UInt8(ascii: " "), UInt8(ascii: "\t"):
                    index += 1
                case UInt8(ascii: "*"):
                    index += 1
                    push(Node(kind: .wildcard, optional: false, lower: 0, upper: 0))
                case UInt8(ascii: "("), UInt8(ascii: "["):
                    index += 1
                    depth += 1
                    guard depth <= Self.maximumDepth else {
                        throw SyntaxError(message: "brackets nested more than \(Self.maximumDepth) deep")
                    }
                    let close = byte == UInt8(ascii: "(") ? UInt8(ascii: ")") : UInt8(ascii: "]")
                    let start = index
                    let choice = try alternatives(until: close, stem: stem, concept: concept)
                    depth -= 1
                    if byte == UInt8(ascii: "(")
                        && options[Int(choice.lowerBound)..<Int(choice.upperBound)].contains(where: { $0.isEmpty })
                    {
                        throw smallWordsError(choice, from: start)
                    }
                    pushChoice(choice, optional: byte == UInt8(ascii: "["))
                case UInt8(ascii: ")"), UInt8(ascii: "]"), UInt8(ascii: "|"):
                    if byte == closer || (byte == UInt8(ascii: "|") && closer != nil) {
                        return finishSequence(from: base)
                    }
                    throw SyntaxError(message: "unexpected '\(Self.shown(byte))'; check that brackets are paired")
                case UInt8(ascii: "+"):
                    // `+word`: the word counts even when it is a small word (see `readsSmallWords`).
                    index += 1
                    guard index < bytes.count, !Pattern.isSyntax(bytes[index]), bytes[index] != UInt8(ascii: "+") else {
                        throw SyntaxError(message: "write '+' right before a small word that must be there: +hoeveel")
                    }
                case UInt8(ascii: "@"):
                    index += 1
                    let name = String(decoding: bytes[wordRange()], as: UTF8.self)
                    guard let phrases = concept(name) else {
                        throw SyntaxError(message: "unknown concept '@\(name)'")
                    }
                    pushConcept(phrases)
                default:
                    let range = wordRange()
                    guard !range.isEmpty else {
                        index += 1
                        continue
                    }
                    let ids = bytes.withUnsafeBufferPointer { stem(UnsafeBufferPointer(rebasing: $0[range])) }
                    for id in ids { push(Node(kind: .word, optional: false, lower: id, upper: 0)) }
                }
            }
            if let closer { throw SyntaxError(message: "missing '\(Self.shown(closer))'") }
            return finishSequence(from: base)
        }

        /// The options of a choice, read up to `close`, as a range of `options`.
        private mutating func alternatives(
            until close: UInt8, stem: (UnsafeBufferPointer<UInt8>) -> [Int32], concept: (String) -> [[Int32]]?
        ) throws(SyntaxError) -> Range<Int32> {
            let base = optionStack.count
            while true {
                let option = try sequence(until: close, stem: stem, concept: concept)
                optionStack.append(option)
                guard index < bytes.count else { throw SyntaxError(message: "missing '\(Self.shown(close))'") }
                let separator = bytes[index]
                index += 1
                if separator == close {
                    let start = Int32(options.count)
                    options.append(contentsOf: optionStack[base...])
                    optionStack.removeSubrange(base...)
                    return start..<Int32(options.count)
                }
                if separator != UInt8(ascii: "|") {
                    throw SyntaxError(message: "expected '|' or '\(Self.shown(close))'")
                }
            }
        }

        /// The bytes of the word from here to the next sign or blank.
        private mutating func wordRange() -> Range<Int> {
            let start = index
            while index < bytes.count && !Pattern.isSyntax(bytes[index]) { index += 1 }
            return start..<index
        }

        private mutating func push(_ node: Node) {
            nodeStack.append(Int32(nodes.count))
            nodes.append(node)
        }

        /// Moves the nodes read since `base` into `sequences`, as one sequence.
        private mutating func finishSequence(from base: Int) -> Range<Int32> {
            let start = Int32(sequences.count)
            sequences.append(contentsOf: nodeStack[base...])
            nodeStack.removeSubrange(base...)
            return start..<Int32(sequences.count)
        }

        /// A choice; one between single stems (the common case) becomes one step that matches any of them, which
        /// matching reads without recursion.
        private mutating func pushChoice(_ choice: Range<Int32>, optional: Bool) {
            let all = options[Int(choice.lowerBound)..<Int(choice.upperBound)]
            let single = all.allSatisfy { option in
                option.count == 1 && nodes[Int(sequences[Int(option.lowerBound)])].kind == .word
            }
            guard single else {
                push(Node(kind: .choice, optional: optional, lower: choice.lowerBound, upper: choice.upperBound))
                return
            }
            let lower = Int32(stems.count)
            for option in all { stems.append(nodes[Int(sequences[Int(option.lowerBound)])].lower) }
            push(Node(kind: .anyWord, optional: optional, lower: lower, upper: Int32(stems.count)))
        }

        /// A concept: one step matching any of its words when its phrases are single words (most concepts), a
        /// choice between its phrases otherwise.
        private mutating func pushConcept(_ phrases: [[Int32]]) {
            if phrases.allSatisfy({ $0.count <= 1 }) {
                let lower = Int32(stems.count)
                for phrase in phrases { stems.append(contentsOf: phrase) }
                push(Node(kind: .anyWord, optional: false, lower: lower, upper: Int32(stems.count)))
                return
            }
            let start = Int32(options.count)
            for phrase in phrases where !phrase.isEmpty {
                let first = Int32(sequences.count)
                for id in phrase {
                    sequences.append(Int32(nodes.count))
                    nodes.append(Node(kind: .word, optional: false, lower: id, upper: 0))
                }
                options.append(first..<Int32(sequences.count))
            }
            push(Node(kind: .choice, optional: false, lower: start, upper: Int32(options.count)))
        }

        /// The error for a choice with an option made only of small words, naming it (kept out of the reading loop,
        /// which runs for every pattern: building the message inline there cost compiling a sixth more).
        @inline(never)
        private func smallWordsError(_ choice: Range<Int32>, from start: Int) -> SyntaxError {
            let all = options[Int(choice.lowerBound)..<Int(choice.upperBound)]
            let empty = (all.firstIndex(where: \.isEmpty) ?? all.startIndex) - all.startIndex
            let text = Self.option(empty, in: bytes[start..<(index - 1)])
            guard let first = text.split(separator: " ").first else {
                return SyntaxError(message: "a choice in ( ) has an empty option; remove the extra '|'")
            }
            return SyntaxError(
                message: "a choice in ( ) has an option made only of small words, which are ignored: '\(text)'; "
                    + "write + before a small word that must be there (+\(first)), use [ ] if the choice is optional, "
                    + "or use another word")
        }

        /// The text of the choice's option at `position` (counting from 0), from the bytes between its brackets.
        private static func option(_ position: Int, in bytes: ArraySlice<UInt8>) -> String {
            var depth = 0
            var current = 0
            var start = bytes.startIndex
            for index in bytes.indices {
                switch bytes[index] {
                case UInt8(ascii: "("), UInt8(ascii: "["): depth += 1
                case UInt8(ascii: ")"), UInt8(ascii: "]"): depth -= 1
                case UInt8(ascii: "|") where depth == 0:
                    if current == position { return trimmed(bytes[start..<index]) }
                    current += 1
                    start = index + 1
                default: break
                }
            }
            return current == position ? trimmed(bytes[start...]) : ""
        }

        private static func trimmed(_ bytes: ArraySlice<UInt8>) -> String {
            let blank: (UInt8) -> Bool = { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
            guard let first = bytes.firstIndex(where: { !blank($0) }), let last = bytes.lastIndex(where: { !blank($0) })
            else { return "" }
            return String(decoding: bytes[first...last], as: UTF8.self)
        }

        /// An ASCII sign as text, for a message.
        private static func shown(_ byte: UInt8) -> Character { Character(Unicode.Scalar(byte)) }

        // MARK: Writing

        /// The program of the sequence `top`, packed as `Pattern.Code` describes.
        private mutating func program(_ top: Range<Int32>) -> [Int32] {
            steps.removeAll(keepingCapacity: true)
            words.removeAll(keepingCapacity: true)
            branches.removeAll(keepingCapacity: true)
            pending.removeAll(keepingCapacity: true)
            let topSteps = emit(top)
            // The required steps: each top-level word or one-of-words, and each top-level choice whose every option
            // needs a word ("(terug | +voor +deze)": terug or voor), with the stems one of which its options need,
            // written after the pattern's words. Without them a pattern whose only required step is such a choice
            // was filed under all its stems, optional small words too, and tried on almost every question.
            required.removeAll(keepingCapacity: true)
            needed.removeAll(keepingCapacity: true)
            for index in topSteps {
                let step = steps[Int(index)]
                if step.isRequired {
                    required.append((step.lower, step.upper))
                } else if step.kind == .choice && !step.optional {
                    var stems = choiceStems
                    choiceStems = []
                    stems.removeAll(keepingCapacity: true)
                    if addRequirement(ofChoice: step, to: &stems) && stems.count <= Self.requirementLimit {
                        stems.sort()
                        let lower = Int32(words.count + needed.count)
                        needed += stems
                        required.append((lower, Int32(words.count + needed.count)))
                    }
                    choiceStems = stems
                }
            }
            var code: [Int32] = []
            code.reserveCapacity(
                Code.header + 2 * required.count + 3 * (steps.count + branches.count) + words.count + needed.count)
            // One value at a time: an array literal for each step would be an allocation of its own.
            code.append(Int32(steps.count))
            code.append(Int32(branches.count))
            code.append(Int32(required.count))
            code.append(topSteps.lowerBound)
            code.append(topSteps.upperBound)
            code.append(longest(topSteps) ?? -1)
            for range in required {
                code.append(range.lower)
                code.append(range.upper)
            }
            for step in steps {
                code.append(step.kind.rawValue + (step.optional ? 4 : 0))
                code.append(step.lower)
                code.append(step.upper)
            }
            for range in branches {
                if let first = range.first, steps[Int(first)].kind == .word {
                    code.append(words[Int(steps[Int(first)].lower)])
                    code.append(first + 1)
                } else {
                    code.append(-1)
                    code.append(range.lowerBound)
                }
                code.append(range.upperBound)
            }
            code += words
            code += needed
            return code
        }

        /// The most stems a choice's requirement may have: a longer list (a large concept) costs more to check on
        /// every question than it saves, and more to work out while compiling.
        static let requirementLimit = 48

        /// Adds to `stems` the stems one of which the choice `step` needs (for each option, those of its first step
        /// that must match a word, looking through choices); false when an option needs none within the limit.
        private func addRequirement(ofChoice step: Step, to stems: inout [Int32]) -> Bool {
            for branch in step.lower..<step.upper {
                guard addRequirement(of: branches[Int(branch)], to: &stems) else { return false }
            }
            return true
        }

        /// Adds to `stems` the stems one of which the steps of `range` need; false when none is found within the
        /// limit (a step with too many stems is passed over for the next one).
        private func addRequirement(of range: Range<Int32>, to stems: inout [Int32]) -> Bool {
            for index in range {
                let step = steps[Int(index)]
                guard !step.optional else { continue }
                switch step.kind {
                case .word, .anyWord:
                    guard step.upper - step.lower <= Self.requirementLimit else { continue }
                    for word in words[Int(step.lower)..<Int(step.upper)] where !stems.contains(word) {
                        stems.append(word)
                    }
                    return stems.count <= Self.requirementLimit
                case .wildcard:
                    continue
                case .choice:
                    let mark = stems.count
                    if addRequirement(ofChoice: step, to: &stems) && stems.count <= Self.requirementLimit {
                        return true
                    }
                    stems.removeSubrange(mark...)
                }
            }
            return false
        }

        /// The most words the steps of `range` can cover (each word or one-of-words step one, a choice its longest
        /// option), or nil when a wildcard makes it any number.
        private func longest(_ range: Range<Int32>) -> Int32? {
            var total: Int32 = 0
            for index in range {
                let step = steps[Int(index)]
                switch step.kind {
                case .word, .anyWord:
                    total += 1
                case .wildcard:
                    return nil
                case .choice:
                    var most: Int32 = 0
                    for branch in step.lower..<step.upper {
                        guard let length = longest(branches[Int(branch)]) else { return nil }
                        most = max(most, length)
                    }
                    total += most
                }
            }
            return total
        }

        /// Writes the steps of one sequence side by side, then the sequences of its choices' options after them;
        /// returns the sequence's range of steps.
        private mutating func emit(_ sequence: Range<Int32>) -> Range<Int32> {
            let first = steps.count
            let base = pending.count
            for position in sequence {
                let node = nodes[Int(sequences[Int(position)])]
                switch node.kind {
                case .word:
                    words.append(node.lower)
                    steps.append(
                        Step(kind: .word, optional: false, lower: Int32(words.count - 1), upper: Int32(words.count)))
                case .anyWord:
                    let lower = Int32(words.count)
                    words.append(contentsOf: stems[Int(node.lower)..<Int(node.upper)])
                    steps.append(Step(kind: .anyWord, optional: node.optional, lower: lower, upper: Int32(words.count)))
                case .wildcard:
                    steps.append(Step(kind: .wildcard, optional: false, lower: 0, upper: 0))
                case .choice:
                    pending.append((steps.count, node.lower..<node.upper))
                    steps.append(Step(kind: .choice, optional: node.optional, lower: 0, upper: 0))
                }
            }
            let range = Int32(first)..<Int32(steps.count)
            // The options' own choices are appended after these and removed again before their `emit` returns.
            for slot in base..<pending.count {
                let (index, choice) = pending[slot]
                let lower = Int32(branches.count)
                for _ in choice { branches.append(0..<0) }
                for (offset, option) in choice.enumerated() {
                    branches[Int(lower) + offset] = emit(options[Int(option)])
                }
                steps[index] = Step(
                    kind: .choice, optional: steps[index].optional, lower: lower, upper: lower + Int32(choice.count))
            }
            pending.removeSubrange(base...)
            return range
        }
    }
}
