using System.Collections;
using System.Globalization;
using System.Resources;
using System.Text.RegularExpressions;
using RechargePortal.Components.Shared;
using RechargePortal.Features.Recharges;
using RechargePortal.Features.Wallets;
using RechargePortal.Localization;

namespace RechargePortal.Tests.Localization;

/// <summary>The resource files, the figures and the inputs in Bangla and English.</summary>
public sealed partial class BanglaTests
{
    private static readonly LanguageChoice Bangla = new(PortalLanguage.Bangla, BengaliDigits: true);
    private static readonly LanguageChoice BanglaLatin = new(PortalLanguage.Bangla, BengaliDigits: false);

    /// <summary>Every entry of Ui.resx (English) and of the Bangla satellite assembly that ships with the portal.</summary>
    internal static (Dictionary<string, string> English, Dictionary<string, string> Bangla) Resources()
    {
        var manager = new ResourceManager("RechargePortal.Localization.Ui", typeof(Ui).Assembly);
        static Dictionary<string, string> Read(ResourceSet? set) =>
            set!.Cast<DictionaryEntry>().ToDictionary(e => (string)e.Key, e => (string)e.Value!);
        return (Read(manager.GetResourceSet(CultureInfo.InvariantCulture, true, false)),
                Read(manager.GetResourceSet(CultureInfo.GetCultureInfo("bn"), true, false)));
    }

    [Fact]
    public void Every_key_is_in_both_languages_with_the_same_placeholders_and_english_keys_read_as_themselves()
    {
        var (english, bangla) = Resources();
        Assert.True(english.Count > 300, $"only {english.Count} entries");
        Assert.Empty(english.Keys.Except(bangla.Keys));
        Assert.Empty(bangla.Keys.Except(english.Keys));
        foreach (var (key, value) in english)
        {
            Assert.False(string.IsNullOrWhiteSpace(bangla[key]), key);
            Assert.True(Placeholders(value).SetEquals(Placeholders(bangla[key])), $"{key}: {value} / {bangla[key]}");
            // The English text is its own key, so a missing translation still shows English; the libraries' keys are theirs.
            Assert.True(value == key || key.StartsWith("Mud:", StringComparison.Ordinal) || key.StartsWith("Identity:", StringComparison.Ordinal), key);
        }
    }

    [Fact]
    public void Every_entry_of_the_resource_files_ships_and_no_two_keys_differ_only_in_case()
    {
        // A .resources file keeps one of two names that differ only in case: the other would silently show English.
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "RechargePortal", "Localization", "Ui.resx")))
        {
            directory = directory.Parent;
        }

        Assert.NotNull(directory);
        var (english, bangla) = Resources();
        foreach (var (file, compiled) in new[] { ("Ui.resx", english), ("Ui.bn.resx", bangla) })
        {
            var names = System.Xml.Linq.XDocument.Load(Path.Combine(directory!.FullName, "RechargePortal", "Localization", file))
                .Root!.Elements("data").Select(d => (string)d.Attribute("name")!).ToList();
            Assert.Empty(names.GroupBy(n => n, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1).Select(g => string.Join(" / ", g)));
            Assert.Equal(names.Order(StringComparer.Ordinal), compiled.Keys.Order(StringComparer.Ordinal));
        }
    }

    [Fact]
    public void Identity_and_MudBlazor_speak_Bangla_through_their_own_keys_and_keep_their_English()
    {
        var errors = new PortalIdentityErrors();
        var english = PortalLanguage.In(LanguageChoice.English, () => errors.PasswordTooShort(12).Description);
        Assert.Equal(new Microsoft.AspNetCore.Identity.IdentityErrorDescriber().PasswordTooShort(12).Description, english);
        var bangla = PortalLanguage.In(Bangla, () => errors.DuplicateEmail("shop@example.com").Description);
        Assert.Contains("shop@example.com", bangla);
        Assert.Matches("[\u0980-\u09FF]", bangla);
        Assert.Contains("১২", PortalLanguage.In(Bangla, () => errors.PasswordTooShort(12).Description));

        var mud = new PortalMudLocalizer();
        Assert.True(PortalLanguage.In(LanguageChoice.English, () => mud["MudDataGridPager_RowsPerPage"]).ResourceNotFound);
        Assert.Equal("প্রতি পৃষ্ঠায় সারি:", PortalLanguage.In(Bangla, () => mud["MudDataGridPager_RowsPerPage"].Value));
    }

    [Fact]
    public void A_key_reads_its_entry_whatever_its_case_and_keeps_its_own_case_in_English()
    {
        Assert.Equal("রিচার্জ", PortalLanguage.In(Bangla, () => Ui.Text("recharges")));
        Assert.Equal("recharges", PortalLanguage.In(LanguageChoice.English, () => Ui.Text("recharges")));
        Assert.Equal("Recharges", PortalLanguage.In(LanguageChoice.English, () => Ui.Text("Recharges")));
        Assert.Equal("Not a key of the set", PortalLanguage.In(Bangla, () => Ui.Text("Not a key of the set")));
    }

    [Fact]
    public void Bangla_texts_are_written_in_Bengali_script_apart_from_acronyms_and_examples()
    {
        var (_, bangla) = Resources();
        var allowed = new HashSet<string>(["API", "OTP", "PIN", "CSV", "ID", "SMS", "URL", "QR", "IP", "HTTP", "HTTPS", "JSON", "ECARE", "USSD", "TOTP", "GUID", "POST", "CIDR", "IPv", "http", "https", "xx",
            // Names of products a person installs or reads on their phone, and our own.
            "RechargePortal", "Google", "Microsoft", "Authenticator", "Aegis", "Grameenphone", "Robi", "Banglalink", "Airtel", "Teletalk", "Skitto",
            // A date format the API asks for.
            "yyyy", "MM", "dd", "a", "z", "A", "Z", "AM", "PM"]);
        var offending = bangla
            .Select(e => (e.Key, Words: LatinWord().Matches(Tag().Replace(e.Value, " ")).Select(m => m.Value).Where(w => !allowed.Contains(w)).ToList()))
            .Where(e => e.Words.Count > 0)
            .Select(e => $"{e.Key}: {string.Join(" ", e.Words)}")
            .ToList();
        Assert.Empty(offending);
    }

    [Fact]
    public void The_bundled_Bengali_font_is_asked_for_every_Bengali_character_the_portal_writes()
    {
        var css = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "wwwroot-assets", "css", "portal.css"));
        var faces = FontFace().Matches(css).Select(m => m.Value).Where(f => f.Contains("\"RP Bengali\"", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, faces.Count);
        foreach (var face in faces)
        {
            var ranges = UnicodeRange().Match(face).Groups[1].Value.Split(',', StringSplitOptions.TrimEntries)
                .Select(r => r.Replace("U+", "", StringComparison.Ordinal).Split('-'))
                .Select(r => (From: Convert.ToInt32(r[0], 16), To: Convert.ToInt32(r[^1], 16)))
                .ToList();
            var (_, bangla) = Resources();
            var shown = bangla.Values.Append("০১২৩৪৫৬৭৮৯৳").Append(PortalLanguage.In(Bangla, () => Display.DateTime(new DateTime(2026, 12, 1, 8, 30, 0, DateTimeKind.Utc))));
            var outside = shown.SelectMany(text => text).Where(c => c > 0x2FF && c != '…' && c != '–' && c != '—' && c != '’' && c != '‘' && c != '“' && c != '”' && c != '·' && c != '•' && c != '→' && c != '←' && c != '✓')
                .Distinct().Where(c => !ranges.Any(r => c >= r.From && c <= r.To)).Select(c => $"U+{(int)c:X4} {c}").ToList();
            Assert.Empty(outside);
        }
    }

    [Fact]
    public void Money_reads_as_taka_in_English_and_in_Bengali_digits_in_Bangla_unless_Latin_digits_are_chosen()
    {
        var amount = new Money(123_450);
        Assert.Equal("৳1,234.50", PortalLanguage.In(LanguageChoice.English, () => Display.Money(amount)));
        Assert.Equal("৳১,২৩৪.৫০", PortalLanguage.In(Bangla, () => Display.Money(amount)));
        Assert.Equal("৳1,234.50", PortalLanguage.In(BanglaLatin, () => Display.Money(amount)));
        Assert.Equal("+৳১,২৩৪.৫০", PortalLanguage.In(Bangla, () => Display.Money(amount, signed: true)));
        // Machines read Money.ToString (API, CSV): always Latin.
        Assert.Equal("৳1,234.50", PortalLanguage.In(Bangla, () => amount.ToString()));
    }

    [Fact]
    public void Dates_use_Bangla_month_names_in_Bangla_and_stay_as_they_were_in_English()
    {
        var utc = new DateTime(2026, 12, 1, 8, 30, 0, DateTimeKind.Utc); // 14:30 in Dhaka
        Assert.Equal("1 Dec 2026, 14:30", PortalLanguage.In(LanguageChoice.English, () => DhakaTime.Format(utc)));
        var bangla = PortalLanguage.In(Bangla, () => DhakaTime.Format(utc));
        Assert.Contains("১", bangla);
        Assert.Contains("২০২৬", bangla);
        Assert.Contains("১৪:৩০", bangla);
        Assert.DoesNotContain("Dec", bangla);
        Assert.Matches("[\u0980-\u09FF]{3,}", bangla.Replace("২০২৬", "", StringComparison.Ordinal));
        Assert.Equal(BanglaDigits.ToLatin(bangla), PortalLanguage.In(BanglaLatin, () => DhakaTime.Format(utc)));
    }

    [Theory]
    [InlineData("০১৭১২৩৪৫৬৭৮", "01712345678")]
    [InlineData("+৮৮০১৭১২৩৪৫৬৭৮", "01712345678")]
    [InlineData("০১৭১২-৩৪৫৬৭৮", "01712345678")]
    public void A_number_typed_in_Bengali_digits_is_the_same_number(string typed, string expected)
    {
        Assert.True(MobileNumber.TryNormalize(typed, out var number, out var error), error);
        Assert.Equal(expected, number);
        Assert.True(MobileNumber.TryNormalize(expected, out var latin, out _));
        Assert.Equal(latin, number);
    }

    [Theory]
    [InlineData("৫০", 5_000)]
    [InlineData("৳১,২৩৪.৫০", 123_450)]
    [InlineData("1০০", 10_000)]
    public void An_amount_typed_in_Bengali_digits_is_the_same_amount(string typed, long poisha)
    {
        Assert.True(Money.TryParse(typed, out var amount, out var error), error);
        Assert.Equal(poisha, amount.Poisha);
    }

    [Theory]
    [InlineData("৫০০", 500)]
    [InlineData(" 500 ", 500)]
    [InlineData("৫০০.৫", null)]
    [InlineData("-৫", null)]
    [InlineData("", null)]
    public void The_offer_price_filters_take_whole_taka_in_either_digits(string typed, int? taka) =>
        Assert.Equal(taka, RechargePortal.Features.Offers.Pages.Offers.WholeTaka(typed));

    [Fact]
    public void Wrong_input_in_Bengali_digits_is_refused_as_in_Latin_ones()
    {
        Assert.False(Money.TryParse("-৫০", out _, out var negative));
        Assert.False(Money.TryParse("-50", out _, out var latinNegative));
        Assert.Equal(latinNegative, negative);
        Assert.False(MobileNumber.TryNormalize("০১২৩৪", out _, out _));
    }

    private static HashSet<string> Placeholders(string text) => PlaceholderPattern().Matches(text).Select(m => m.Value).ToHashSet();

    [GeneratedRegex(@"\{\d+(:[^}]*)?\}")]
    private static partial Regex PlaceholderPattern();

    // HTML tags and MudBlazor's named tokens ({first_item}) are not words a person reads.
    [GeneratedRegex(@"<[^>]+>|\{[a-z_]+\}")]
    private static partial Regex Tag();

    [GeneratedRegex(@"[A-Za-z]+")]
    private static partial Regex LatinWord();

    [GeneratedRegex(@"@font-face\s*\{[^}]*\}")]
    private static partial Regex FontFace();

    [GeneratedRegex(@"unicode-range:\s*([^;]+);")]
    private static partial Regex UnicodeRange();
}
