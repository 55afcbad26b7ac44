using System.Net;
using System.Text.RegularExpressions;

namespace RechargePortal.Tests.TestSupport;

/// <summary>The static Account forms driven over HTTP as a browser does: open the page, post where its form says.</summary>
public static partial class AccountForms
{
    /// <summary>Opens <paramref name="pagePath"/> and posts its form (antiforgery token included) with <paramref name="fields"/>.</summary>
    public static async Task<HttpResponseMessage> PostAsync(HttpClient client, string pagePath, string handler, IReadOnlyDictionary<string, string> fields)
    {
        var page = await client.GetStringAsync(pagePath);
        var token = TokenPattern().Match(page).Groups[1].Value;
        Assert.False(string.IsNullOrEmpty(token), $"{pagePath} has no antiforgery token.");
        var action = WebUtility.HtmlDecode(ActionPattern().Match(page).Groups[1].Value);
        Assert.False(string.IsNullOrEmpty(action), $"{pagePath} has no form action.");
        var form = new Dictionary<string, string>(fields)
        {
            ["__RequestVerificationToken"] = token,
            ["_handler"] = handler,
        };
        return await client.PostAsync(action, new FormUrlEncodedContent(form));
    }

    public static Task<HttpResponseMessage> PostChangePasswordAsync(HttpClient client, string current, string next, string? confirm = null) =>
        PostAsync(client, "/Account/Manage/ChangePassword", "change-password", new Dictionary<string, string>
        {
            ["Input.OldPassword"] = current,
            ["Input.NewPassword"] = next,
            ["Input.ConfirmPassword"] = confirm ?? next,
        });

    /// <summary>Signs out as the app bar's Sign out button does: its form on any page, antiforgery token and all.</summary>
    public static async Task<HttpResponseMessage> PostSignOutAsync(HttpClient client)
    {
        var page = await client.GetStringAsync("/");
        var token = TokenPattern().Match(page).Groups[1].Value;
        return await client.PostAsync("/Account/Logout", new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }));
    }

    /// <summary>The decoded text of the form field around the input <paramref name="inputId"/>: its label, help and messages.</summary>
    public static string FieldText(string html, string inputId)
    {
        var fields = FieldPattern().Matches(html).Select(m => m.Value).Where(f => f.Contains($"id=\"{inputId}\"", StringComparison.Ordinal)).ToList();
        Assert.Single(fields);
        return WebUtility.HtmlDecode(TagPattern().Replace(fields[0], " "));
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();

    [GeneratedRegex("<form method=\"post\"[^>]* action=\"([^\"]+)\"")]
    private static partial Regex ActionPattern();

    // A field is <div class="rp-field"> ... up to the next field, the checkbox or the button.
    [GeneratedRegex("<div class=\"rp-field\">.*?(?=<div class=\"rp-field\">|<label class=\"rp-check\">|<button)", RegexOptions.Singleline)]
    private static partial Regex FieldPattern();

    [GeneratedRegex("<[^>]+>")]
    private static partial Regex TagPattern();
}
