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

/// What the kiosk says on a hub about the helper, in the person's language: events only a hub sends.
enum HubWords {
    /// After `240 QUEUED`: the person's number and how many wait before them.
    static func queued(ticket: Int, ahead: Int, language: Language) -> String {
        switch language {
        case .nl:
            "Je hebt nummer \(ticket). "
                + (ahead == 0
                    ? "Jij bent de volgende."
                    : ahead == 1 ? "Er is 1 persoon voor jou." : "Er zijn \(ahead) mensen voor jou.")
        case .fr:
            "Vous avez le numéro \(ticket). "
                + (ahead == 0
                    ? "Vous êtes le prochain."
                    : ahead == 1 ? "Il y a 1 personne avant vous." : "Il y a \(ahead) personnes avant vous.")
        case .en:
            "You are number \(ticket). "
                + (ahead == 0
                    ? "You are next."
                    : ahead == 1 ? "There is 1 person before you." : "There are \(ahead) people before you.")
        }
    }

    /// Event 610: a helper took the ticket.
    static func joined(_ helper: String, language: Language) -> String {
        switch language {
        case .nl: "\(helper) is er om je te helpen. Typ je bericht hieronder."
        case .fr: "\(helper) est là pour vous aider. Écrivez votre message ci-dessous."
        case .en: "\(helper) is here to help you. Type your message below."
        }
    }

    /// Event 615: what the helper wrote.
    static func helperSays(_ helper: String, _ text: String, language: Language) -> String {
        switch language {
        case .nl: "\(helper) (helper): \(text)"
        case .fr: "\(helper) (aidant) : \(text)"
        case .en: "\(helper) (helper): \(text)"
        }
    }

    /// `242 RELAYED`: the person's line went to the helper.
    static func relayed(language: Language) -> String {
        switch language {
        case .nl: "(verstuurd naar je helper)"
        case .fr: "(envoyé à votre aidant)"
        case .en: "(sent to your helper)"
        }
    }

    /// Event 613: the helper gave the ticket back.
    static func backInLine(ahead: Int, language: Language) -> String {
        switch language {
        case .nl:
            "Je helper moest even weg. Je staat weer in de rij"
                + (ahead == 0 ? ", als eerste." : ": \(ahead) voor jou.")
        case .fr:
            "Votre aidant a dû partir. Vous êtes de nouveau dans la file"
                + (ahead == 0 ? ", en premier." : " : \(ahead) avant vous.")
        case .en:
            "Your helper had to leave. You are back in line" + (ahead == 0 ? ", first." : ": \(ahead) before you.")
        }
    }

    /// Event 612 `state=expired`: no helper came in time.
    static func expired(language: Language) -> String {
        switch language {
        case .nl: "Er kon nu geen helper komen. Het spijt me."
        case .fr: "Aucun aidant n'a pu venir maintenant. Désolé."
        case .en: "No helper could come just now. I am sorry."
        }
    }

    /// The connection to the hub dropped: the kiosk tries to get it back (a few seconds).
    static func reconnecting(language: Language) -> String {
        switch language {
        case .nl: "De verbinding met de helpers viel even weg. Een ogenblik, ik probeer het opnieuw."
        case .fr: "La connexion avec les aidants a été coupée. Un instant, j'essaie de la rétablir."
        case .en: "The connection to the helpers dropped. One moment, I am trying again."
        }
    }

    /// The hub went away during a conversation: the kiosk carries on by itself.
    static func lost(language: Language) -> String {
        switch language {
        case .nl: "De verbinding met de helpers is weg. Ik help je verder zonder helper via het scherm."
        case .fr: "La connexion avec les aidants est perdue. Je continue sans aide humaine par l'écran."
        case .en: "The connection to the helpers is lost. I carry on without a helper through the screen."
        }
    }
}
