using System.Security.Claims;
using Bunit;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Options;
using MudBlazor.Services;
using RechargePortal.Features.Offers;
using RechargePortal.Providers;
using RechargePortal.Providers.Pages;
using RechargePortal.Security;
using RechargePortal.Tests.TestSupport;

namespace RechargePortal.Tests.Providers;

/// <summary>
/// Upstream addresses are https outside Development (ECARE sends its password in the query string) unless a provider
/// sets AllowInsecureHttp; the sandbox and loopback addresses (the tests' fake vendors) never cross a network.
/// </summary>
public sealed class InsecureHttpTests
{
    private const string PlainEcare = "http://vendor.example/myportal/api/rechargeapi/recharge_api_thirdparty.php";

    private static ValidateOptionsResult Validate(string environment, params ProviderSettings[] accounts) =>
        new ProvidersOptionsValidator(new HostingEnvironment { EnvironmentName = environment })
            .Validate(null, new ProvidersOptions { Accounts = [.. accounts] });

    private static string Text(ValidateOptionsResult result) => string.Join(" | ", result.Failures ?? []);

    private static ProviderSettings Ecare(string url, bool allowInsecureHttp = false) =>
        new() { Name = "Ecare", Kind = ProviderKind.Ecare, Url = url, AccessId = "portal", AccessPass = "secret", AllowInsecureHttp = allowInsecureHttp };

    private static ProviderSettings Flexi(string baseUrl, bool allowInsecureHttp = false) =>
        new() { Name = "Flexi2", Kind = ProviderKind.Flexi, BaseUrl = baseUrl, User = "portal", Key = "secret", AllowInsecureHttp = allowInsecureHttp };

    [Theory]
    [InlineData("Production")]
    [InlineData("Staging")]
    [InlineData("Testing")]
    public void Outside_Development_a_plain_http_address_is_refused_naming_the_provider_and_the_key(string environment)
    {
        var result = Validate(environment, Ecare(PlainEcare), Flexi("http://flexi.example"));

        Assert.False(result.Succeeded);
        Assert.Contains("Providers:Ecare:Url is plain http outside Development", Text(result));
        Assert.Contains("Providers:Ecare:AllowInsecureHttp=true", Text(result));
        Assert.Contains("Providers:Flexi2:BaseUrl is plain http outside Development", Text(result));
    }

    [Fact]
    public void AllowInsecureHttp_accepts_a_plain_http_address_in_Production()
    {
        Assert.True(Validate(Environments.Production, Ecare(PlainEcare, allowInsecureHttp: true), Flexi("http://flexi.example", allowInsecureHttp: true)).Succeeded);
    }

    [Fact]
    public void An_https_address_is_accepted_in_Production()
    {
        var result = Validate(Environments.Production, Ecare("https://vendor.example/myportal/api/rechargeapi/recharge_api_thirdparty.php"), Flexi("https://flexi.example"));

        Assert.True(result.Succeeded, Text(result));
    }

    [Fact]
    public void In_Development_plain_http_is_accepted()
    {
        Assert.True(Validate(Environments.Development, Ecare(PlainEcare), Flexi("http://flexi.example")).Succeeded);
    }

    [Fact]
    public void Loopback_and_the_sandbox_need_no_flag_since_nothing_crosses_a_network()
    {
        // Staging: outside Development, and the sandbox needs no AllowSandbox there.
        var result = Validate(Environments.Staging,
            Ecare("http://127.0.0.1:5123/recharge_api_thirdparty.php"), Flexi("http://localhost:5124"),
            new ProviderSettings { Name = "Ecare3", Kind = ProviderKind.Ecare, Url = "sandbox" });

        Assert.True(result.Succeeded, Text(result));
        Assert.True(Flexi("http://[::1]:5124").IsLoopback);
        Assert.False(new ProviderSettings { Kind = ProviderKind.Ecare, Url = "sandbox" }.IsPlainHttp);
    }

    [Fact]
    public async Task In_Production_the_app_refuses_to_start_on_a_plain_http_vendor_unless_the_provider_allows_it()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Providers:AllowSandbox"] = "true",
            ["Providers:Ecare:Url"] = PlainEcare,
            ["Providers:Ecare:AccessId"] = "portal",
            ["Providers:Ecare:AccessPass"] = "secret",
        };
        await using var refused = new PortalAppFactory(null, settings).WithWebHostBuilder(b => b.UseEnvironment("Production"));
        var error = Record.Exception(() => refused.Services);
        Assert.NotNull(error);
        Assert.Contains("Providers:Ecare:Url is plain http", error.ToString());

        settings["Providers:Ecare:AllowInsecureHttp"] = "true";
        await using var allowed = new PortalAppFactory(null, settings).WithWebHostBuilder(b => b.UseEnvironment("Production"));
        Assert.True(allowed.Services.GetRequiredService<ProviderRegistry>().Get("Ecare").IsPlainHttp);
    }

    [Fact]
    public async Task The_providers_page_warns_about_a_provider_on_plain_http_only()
    {
        await using var app = new PortalAppFactory(null, new Dictionary<string, string?>
        {
            // Loopback: accepted without the flag (nothing listens on port 9; the page asks nothing of the vendor).
            ["Providers:Ecare:Url"] = "http://127.0.0.1:9/recharge_api_thirdparty.php",
            ["Providers:Ecare:AccessId"] = "portal",
            ["Providers:Ecare:AccessPass"] = "secret",
        });
        await using var ctx = new BunitContext();
        ctx.JSInterop.Mode = JSRuntimeMode.Loose;
        ctx.Services.AddMudServices();
        ctx.Services.AddLocalization();
        foreach (var type in new[] { typeof(ProviderAdminService), typeof(OfferPackService), typeof(ProviderStatusNotifier), typeof(ProviderRegistry) })
        {
            ctx.Services.AddSingleton(type, app.Services.GetRequiredService(type));
        }

        var admin = await app.AdminActorAsync();
        var auth = ctx.AddAuthorization();
        auth.SetAuthorized(admin.Email);
        auth.SetRoles(Roles.Admin);
        auth.SetClaims(new Claim(ClaimTypes.NameIdentifier, admin.UserId), new Claim(ClaimTypes.Email, admin.Email));

        var page = ctx.Render<ProvidersPage>();

        page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-testid=provider-Ecare]")), TimeSpan.FromSeconds(10));
        Assert.Contains("Plain http: Ecare's requests", page.Find("[data-testid=provider-Ecare] [data-testid=plain-http]").TextContent);
        Assert.Empty(page.FindAll("[data-testid=provider-Flexi] [data-testid=plain-http]"));
    }
}
