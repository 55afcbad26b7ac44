using System.Globalization;
using Microsoft.Extensions.Localization;

namespace RechargePortal.Localization;

/// <summary>
/// <c>IStringLocalizer&lt;Ui&gt;</c> for razor (<c>@L["…"]</c>): the same lookup as <see cref="Ui.Text(string)"/>, so pages
/// and code read one resource set one way (keys match whatever their case: "recharges" reads the "Recharges" entry).
/// </summary>
internal sealed class UiLocalizer : IStringLocalizer<Ui>
{
    public LocalizedString this[string name] =>
        Ui.Find(name) is { } text ? new LocalizedString(name, text) : new LocalizedString(name, name, resourceNotFound: true);

    public LocalizedString this[string name, params object[] arguments]
    {
        get
        {
            var format = this[name];
            return new LocalizedString(name, string.Format(CultureInfo.InvariantCulture, format.Value, arguments), format.ResourceNotFound);
        }
    }

    public IEnumerable<LocalizedString> GetAllStrings(bool includeParentCultures) =>
        Ui.All(includeParentCultures).Select(e => new LocalizedString(e.Key, e.Value));
}
