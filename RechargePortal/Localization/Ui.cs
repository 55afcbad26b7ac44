using System.Globalization;
using System.Resources;

namespace RechargePortal.Localization;

/// <summary>
/// The portal's one resource set (<c>Ui.resx</c> English, <c>Ui.bn.resx</c> Bangla), keyed by the English text itself so
/// a missing translation shows English rather than a key. Razor uses it as <c>IStringLocalizer&lt;Ui&gt;</c>; services,
/// wording and results that a person reads use <see cref="Text(string)"/>, which reads the same files for the
/// current UI culture (the API and CSV endpoints run in English, see <see cref="PortalLanguage.InEnglish"/>).
/// </summary>
public sealed class Ui
{
    // Keys match whatever their case: a sentence's "recharges" reads the "Recharges" entry (a .resources file holds one of them).
    private static readonly ResourceManager Resources = new("RechargePortal.Localization.Ui", typeof(Ui).Assembly) { IgnoreCase = true };

    /// <summary>The Bangla text of a library's own key (<c>Mud:</c>…, <c>Identity:</c>…), or null in English or when it has none.</summary>
    public static string? LibraryText(string prefixedKey) =>
        PortalLanguage.IsBangla(CultureInfo.CurrentUICulture) ? Resources.GetString(prefixedKey, CultureInfo.CurrentUICulture) : null;

    /// <summary>The text in the current UI language.</summary>
    public static string Text(string english) => Find(english) ?? english;

    /// <summary>The entry for <paramref name="english"/> in the current UI language, or null when the set has none.</summary>
    internal static string? Find(string english)
    {
        var text = Resources.GetString(english, CultureInfo.CurrentUICulture);
        // The English set holds "Recharges"; a lower-case key found through it keeps its own case in English.
        return text is not { Length: > 0 } ? null
            : !PortalLanguage.IsBangla(CultureInfo.CurrentUICulture) && string.Equals(text, english, StringComparison.OrdinalIgnoreCase) ? english
            : text;
    }

    /// <summary>Every entry in the current UI language.</summary>
    internal static IEnumerable<KeyValuePair<string, string>> All(bool includeParents) =>
        Resources.GetResourceSet(CultureInfo.CurrentUICulture, true, includeParents)!.Cast<System.Collections.DictionaryEntry>()
            .Select(e => new KeyValuePair<string, string>((string)e.Key, (string)e.Value!));

    /// <summary>The text in the current UI language with its <c>{0}</c>… filled in (pass figures already formatted by <see cref="Display"/>).</summary>
    public static string Text(string english, params object?[] args) =>
        string.Format(CultureInfo.InvariantCulture, Text(english), args);
}
