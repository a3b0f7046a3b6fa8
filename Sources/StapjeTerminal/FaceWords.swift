import StapjeText

/// The few words the terminal face says on its own, for switches that exist only here.
enum FaceWords {
    static func helperMode(_ on: Bool, language: Language) -> String {
        switch (language, on) {
        case (.nl, true): "Helpermodus aan: alle stappen tegelijk, met tips voor helpers."
        case (.nl, false): "Helpermodus uit: één stap per keer."
        case (.fr, true): "Mode aidant activé : toutes les étapes d'un coup, avec les notes pour les aidants."
        case (.fr, false): "Mode aidant désactivé : une étape à la fois."
        case (.en, true): "Helper mode on: all steps at once, with notes for helpers."
        case (.en, false): "Helper mode off: one step at a time."
        }
    }
}
