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
    private static readonly ResourceManager Resources = new("RechargePortal.Localization.Ui", typeof(Ui).Assembly);

    /// <summary>The Bangla text of a library's own key (<c>Mud:</c>…, <c>Identity:</c>…), or null in English or when it has none.</summary>
    public static string? LibraryText(string prefixedKey) =>
        PortalLanguage.IsBangla(CultureInfo.CurrentUICulture) ? Resources.GetString(prefixedKey, CultureInfo.CurrentUICulture) : null;

    /// <summary>The text in the current UI language.</summary>
    public static string Text(string english) =>
        Resources.GetString(english, CultureInfo.CurrentUICulture) is { Length: > 0 } text ? text : english;

    /// <summary>The text in the current UI language with its <c>{0}</c>… filled in (pass figures already formatted by <see cref="Display"/>).</summary>
    public static string Text(string english, params object?[] args) =>
        string.Format(CultureInfo.InvariantCulture, Text(english), args);
}
