namespace RechargePortal.Providers.Flexi;

/// <summary>
/// What Flexi's free-text messages are known to mean. Deployments word them differently, so a
/// message is read as lowercase words (punctuation and dashes are gaps) and matched on whole-word
/// phrases. A message that matches nothing here has no known meaning, and the adapter acts on none.
/// </summary>
internal static class FlexiMessages
{
    /// <summary>Refusals at submit known to mean nothing was recorded, so another provider is safe.</summary>
    private static readonly string[][] NothingRecorded = Phrases(
        // Our credentials: "Not User" is the documented refusal.
        "not user", "invalid user", "invalid username", "invalid key", "invalid api", "invalid api key", "wrong key",
        // The band-key header or the refer (caller whitelist) refused.
        "band key", "bandkey", "invalid refer", "refer not", "unauthorized refer",
        // Our balance at the vendor.
        "low balance", "lowbalance", "insufficient balance", "insufficient fund", "insufficient funds",
        // A request it could not read: nothing to record.
        "invalid request", "invalid parameter", "invalid parameters", "missing parameter", "missing parameters",
        "invalid number", "invalid mobile", "missing number", "invalid amount", "missing amount", "invalid operator", "missing operator");

    /// <summary>Our id seen before, in any wording: an earlier send of it arrived.</summary>
    private static readonly string[][] DuplicateId = Phrases(
        "duplicate", "duplicated", "already", "same id", "same request", "id exists", "id exist", "id used");

    /// <summary>A status query's refusal saying the vendor has no recharge with our id.</summary>
    private static readonly string[][] NoSuchId = Phrases(
        "invalid id", "unknown id", "no such id", "id not found", "id does not exist", "id not exist");

    /// <summary>Words that make an id message about our credentials instead ("User id not found", "Invalid id or key").</summary>
    private static readonly string[][] AboutCredentials = Phrases("user", "username", "key", "api", "login", "password");

    public static bool MeansDuplicateId(string? message) => Says(message, DuplicateId);

    public static bool MeansNothingRecorded(string? message) => !MeansDuplicateId(message) && Says(message, NothingRecorded);

    public static bool MeansNoSuchId(string? message) => Says(message, NoSuchId) && !Says(message, AboutCredentials);

    private static bool Says(string? message, string[][] phrases)
    {
        var words = Words(message);
        return phrases.Any(phrase => Enumerable.Range(0, Math.Max(0, words.Length - phrase.Length + 1))
            .Any(start => words.AsSpan(start, phrase.Length).SequenceEqual(phrase)));
    }

    private static string[][] Phrases(params string[] phrases) => [.. phrases.Select(Words)];

    private static string[] Words(string? text) =>
        new string([.. (text ?? "").Select(c => char.IsLetterOrDigit(c) ? char.ToLowerInvariant(c) : ' ')])
            .Split(' ', StringSplitOptions.RemoveEmptyEntries);
}
