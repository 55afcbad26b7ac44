using System.Globalization;
using Microsoft.AspNetCore.Localization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using RechargePortal.Data;
using RechargePortal.Security;

namespace RechargePortal.Localization;

/// <summary>A person's language choice: English, or Bangla with Bengali digits (the default for Bangla) or Latin ones.</summary>
public sealed record LanguageChoice(string Language, bool BengaliDigits)
{
    public static readonly LanguageChoice English = new(PortalLanguage.English, BengaliDigits: true);

    public bool IsBangla => Language == PortalLanguage.Bangla;

    /// <summary>The cookie's value: <c>en</c>, <c>bn</c> or <c>bn-latn</c>.</summary>
    public string CookieValue => IsBangla && !BengaliDigits ? PortalLanguage.Bangla + "-latn" : Language;

    public static LanguageChoice? Parse(string? value) => value switch
    {
        PortalLanguage.English => English,
        PortalLanguage.Bangla => new(PortalLanguage.Bangla, BengaliDigits: true),
        PortalLanguage.Bangla + "-latn" => new(PortalLanguage.Bangla, BengaliDigits: false),
        _ => null,
    };
}

/// <summary>
/// English (the default) and Bangla. The choice lives in a cookie (read on every request by ASP.NET Core's request
/// localization, so a Blazor circuit starts in it) and in the user's profile (copied into the cookie at sign-in, so it
/// follows the person to another device). The API, the CSV exports and the health checks always answer in English.
/// </summary>
public static class PortalLanguage
{
    public const string English = "en";
    public const string Bangla = "bn";
    public const string CookieName = "RechargePortal.Language";
    public const string SwitchPath = "/Account/Language";

    private static readonly string[] Latin = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];
    private static readonly string[] Bengali = ["০", "১", "২", "৩", "৪", "৫", "৬", "৭", "৮", "৯"];

    public static readonly CultureInfo EnglishCulture = CultureInfo.ReadOnly(new CultureInfo(English));

    /// <summary>Bangla with Bengali digits; <see cref="BanglaLatinDigits"/> is the same culture marked for Latin ones.</summary>
    public static readonly CultureInfo BanglaCulture = MakeBangla(Bengali);

    public static readonly CultureInfo BanglaLatinDigits = MakeBangla(Latin);

    public static bool IsBangla(CultureInfo culture) => culture.TwoLetterISOLanguageName == Bangla;

    public static bool UsesBengaliDigits(CultureInfo culture) => IsBangla(culture) && culture.NumberFormat.NativeDigits[1] == Bengali[1];

    /// <summary>The current choice, as the request (or the circuit it started) runs in.</summary>
    public static LanguageChoice Current =>
        IsBangla(CultureInfo.CurrentUICulture) ? new(Bangla, UsesBengaliDigits(CultureInfo.CurrentCulture)) : LanguageChoice.English;

    public static CultureInfo CultureFor(LanguageChoice choice) =>
        !choice.IsBangla ? EnglishCulture : choice.BengaliDigits ? BanglaCulture : BanglaLatinDigits;

    /// <summary>Runs <paramref name="action"/> in <paramref name="choice"/>'s language (tests, e-mails to another person).</summary>
    public static T In<T>(LanguageChoice choice, Func<T> action)
    {
        var (culture, ui) = (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture);
        CultureInfo.CurrentCulture = CultureFor(choice);
        CultureInfo.CurrentUICulture = choice.IsBangla ? BanglaCulture : EnglishCulture;
        try
        {
            return action();
        }
        finally
        {
            (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture) = (culture, ui);
        }
    }

    private static CultureInfo MakeBangla(string[] digits)
    {
        var culture = new CultureInfo(Bangla);
        culture.NumberFormat.NativeDigits = digits;
        return CultureInfo.ReadOnly(culture);
    }

    public static WebApplicationBuilder AddPortalLocalization(this WebApplicationBuilder builder)
    {
        // Work outside a request (Hangfire jobs, commands) words in English and formats invariantly, whatever the server's locale.
        CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
        CultureInfo.DefaultThreadCurrentUICulture = CultureInfo.InvariantCulture;
        builder.Services.AddLocalization();
        builder.Services.AddSingleton<Microsoft.Extensions.Localization.IStringLocalizer<Ui>, UiLocalizer>();
        // Bangla written as text in the HTML, not as &#x...; entities (eight bytes a letter on every static page).
        builder.Services.AddWebEncoders(o => o.TextEncoderSettings = new System.Text.Encodings.Web.TextEncoderSettings(
            System.Text.Unicode.UnicodeRanges.BasicLatin, System.Text.Unicode.UnicodeRanges.Latin1Supplement,
            System.Text.Unicode.UnicodeRanges.Bengali, System.Text.Unicode.UnicodeRanges.GeneralPunctuation));
        builder.Services.AddTransient<MudBlazor.MudLocalizer, PortalMudLocalizer>();
        builder.Services.AddScoped<Microsoft.AspNetCore.Identity.IdentityErrorDescriber, PortalIdentityErrors>();
        var cookie = LanguageCookie(builder.Environment);
        builder.Services.Configure<RequestLocalizationOptions>(options =>
        {
            options.DefaultRequestCulture = new RequestCulture(EnglishCulture);
            options.SupportedCultures = [EnglishCulture, BanglaCulture];
            options.SupportedUICultures = [EnglishCulture, BanglaCulture];
            options.FallBackToParentCultures = true;
            options.FallBackToParentUICultures = true;
            options.RequestCultureProviders =
            [
                // Machines read the API, the CSV files and the health checks: always English, Latin digits.
                new CustomRequestCultureProvider(context => Task.FromResult(IsMachinePath(context.Request.Path) ? new ProviderCultureResult(English) : null)),
                new CustomRequestCultureProvider(context => Task.FromResult(
                    LanguageChoice.Parse(context.Request.Cookies[cookie.Name!]) is { } choice ? new ProviderCultureResult(choice.Language) : null)),
                // No choice made yet: a browser set to Bangla gets Bangla.
                new AcceptLanguageHeaderRequestCultureProvider { MaximumAcceptLanguageHeaderValuesToTry = 3 },
            ];
        });
        return builder;
    }

    /// <summary>Request localization, then the digits the person chose for Bangla (the culture instance a circuit keeps).</summary>
    public static WebApplication UsePortalLocalization(this WebApplication app)
    {
        app.UseRequestLocalization();
        var cookie = LanguageCookie(app.Environment);
        app.Use((context, next) =>
        {
            if (IsBangla(CultureInfo.CurrentCulture) && LanguageChoice.Parse(context.Request.Cookies[cookie.Name!]) is { BengaliDigits: false })
            {
                CultureInfo.CurrentCulture = BanglaLatinDigits;
            }

            return next(context);
        });
        return app;
    }

    public static bool IsMachinePath(PathString path) =>
        path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase)
        || path.StartsWithSegments("/health", StringComparison.OrdinalIgnoreCase)
        || (path.Value?.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) ?? false);

    private static CookieBuilder LanguageCookie(IHostEnvironment environment)
    {
        var cookie = new CookieBuilder { Expiration = TimeSpan.FromDays(365), IsEssential = true };
        PortalCookies.Apply(cookie, CookieName, environment);
        return cookie;
    }

    /// <summary>Puts <paramref name="choice"/> in the browser's cookie.</summary>
    public static void WriteCookie(HttpContext context, LanguageChoice choice)
    {
        var cookie = LanguageCookie(context.RequestServices.GetRequiredService<IHostEnvironment>());
        context.Response.Cookies.Append(cookie.Name!, choice.CookieValue, cookie.Build(context));
    }

    /// <summary>
    /// <c>POST /Account/Language</c> (<c>language</c> = en|bn, optional <c>digits</c> = bengali|latin, <c>returnUrl</c>): the
    /// app bar's and the sign-in page's switch and the language settings page. Kept in the cookie, and in the profile of a
    /// signed-in person. Anyone may choose a language; a foreign return address falls back to the home page.
    /// </summary>
    public static void MapLanguageSwitch(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapPost(SwitchPath, async (HttpContext context, [FromForm] string? language, [FromForm] string? digits, [FromForm] string? returnUrl,
            IDbContextFactory<PortalDbContext> dbs, CancellationToken ct) =>
        {
            var current = LanguageChoice.Parse(context.Request.Cookies[LanguageCookie(context.RequestServices.GetRequiredService<IHostEnvironment>()).Name!]) ?? Current;
            var chosen = language is English or Bangla ? language : current.Language;
            var bengaliDigits = digits switch { "bengali" => true, "latin" => false, _ => current.BengaliDigits };
            var choice = new LanguageChoice(chosen, bengaliDigits);
            WriteCookie(context, choice);
            if (context.User.Identity?.IsAuthenticated == true && context.User.FindFirst(System.Security.Claims.ClaimTypes.NameIdentifier)?.Value is { } userId)
            {
                await using var db = await dbs.CreateDbContextAsync(ct);
                await db.Users.Where(u => u.Id == userId).ExecuteUpdateAsync(s => s
                    .SetProperty(u => u.Language, choice.Language)
                    .SetProperty(u => u.LatinDigits, !choice.BengaliDigits), ct);
            }

            return TypedResults.LocalRedirect(ReturnUrl.LocalOrRoot(returnUrl));
        }).AllowAnonymous();

    /// <summary>At sign-in the profile's choice (if the person made one) becomes this browser's.</summary>
    public static void CopyProfileChoice(HttpContext context, PortalUser user)
    {
        if (user.Language is English or Bangla)
        {
            WriteCookie(context, new LanguageChoice(user.Language, !user.LatinDigits));
        }
    }
}
