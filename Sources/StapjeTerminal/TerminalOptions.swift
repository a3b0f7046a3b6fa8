/// How the terminal face runs.
public struct TerminalOptions: Sendable, Hashable {
    /// Kiosk mode: a shared screen. History in memory only, idle wipe, Ctrl-D does not quit.
    public var kiosk: Bool
    /// Seconds without a key before the idle warning (kiosk mode).
    public var warnAfter: Double
    /// Seconds without a key before the wipe (kiosk mode); more than `warnAfter`.
    public var wipeAfter: Double
    /// A file to keep the history in, outside kiosk mode; nil keeps it in memory only.
    public var historyFile: String?
    /// Helper mode at the start: all steps at once, with the helper notes.
    public var helperMode: Bool

    /// Creates options; the defaults suit a person at their own terminal.
    public init(
        kiosk: Bool = false, warnAfter: Double = 120, wipeAfter: Double = 180, historyFile: String? = nil,
        helperMode: Bool = false
    ) {
        self.kiosk = kiosk
        self.warnAfter = warnAfter
        self.wipeAfter = wipeAfter
        self.historyFile = historyFile
        self.helperMode = helperMode
    }

    /// Why these options cannot run, or nil when they can.
    public var problem: String? {
        if warnAfter <= 0 { return "--warn-after must be more than 0 seconds" }
        if wipeAfter <= warnAfter { return "--wipe-after (\(wipeAfter)) must be more than --warn-after (\(warnAfter))" }
        if kiosk && historyFile != nil {
            return "--history-file cannot be used in kiosk mode: a shared screen never writes what people typed"
        }
        return nil
    }

    /// Commands the terminal face handles itself, before the conversation sees the line.
    public enum FaceCommand: String, Sendable, CaseIterable {
        /// Ends the program (not in kiosk mode).
        case quit = "/quit"
        /// Ends the program (not in kiosk mode).
        case exit = "/exit"
        /// Switches helper mode on or off. Not `/helper`: the core reads that as "I want a person".
        case helperMode = "/helpermode"
    }

    /// The admin key sequence that ends kiosk mode, in inputrc notation: Ctrl-X, then Shift-Q.
    public static let kioskExitKeys = "\\C-xQ"
}
