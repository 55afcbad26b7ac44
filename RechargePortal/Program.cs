using MudBlazor.Services;
using RechargePortal.Components;
using RechargePortal.Components.Account;
using RechargePortal.Data;
using RechargePortal.Features;
using RechargePortal.Features.Api;
using RechargePortal.Features.Demo;
using RechargePortal.Features.Operations;
using RechargePortal.Features.Reports;
using RechargePortal.Features.Wallets;
using RechargePortal.Jobs;
using RechargePortal.Localization;
using RechargePortal.Providers;
using RechargePortal.Security;

var builder = WebApplication.CreateBuilder(DemoCommands.HostArgs(args));

builder.AddSecurityHeaders();
builder.Services.AddRazorComponents().AddInteractiveServerComponents();
builder.Services.AddMudServices();
builder.AddPortalLocalization();
builder.AddData();
builder.AddPortalIdentity();
builder.AddHttpsHosting();
builder.AddSignInRateLimits();
builder.AddProviders();
builder.AddJobs();
builder.AddFeatures();
builder.AddResellerApi();

var app = builder.Build();

// A command that cannot run here (bad options, Production) says why before anything touches the database.
if (await app.RefuseCommandAsync(args))
{
    return;
}

// Before anything is mapped: Hangfire's PostgreSQL storage, made when the dashboard is mapped, needs the database to exist.
await app.InitializeDatabaseAsync();

app.UseSecurityHeaders();
app.UseForwardedHeadersFromKnownProxies();
if (!app.Environment.IsDevelopment())
{
    app.UseExceptionHandler("/Error", createScopeForErrors: true);
}

app.UseHttpsOutsideDevelopment();

app.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);
// The portal's own assets (theme, logo, operator logos) are public: served before authorization.
app.UsePortalAssets();
// Before anything writes a page: the person's language (cookie, profile at sign-in, browser), English for the API and CSV.
app.UsePortalLocalization();
app.UseRouting();
app.UseSignInRateLimits();
app.UseAuthentication();
app.UseAuthorization();
app.UseAccessRefusedAs403();
app.UsePasswordChangeRequirement();
app.UseTwoFactorRequirement();
app.UseAntiforgeryWithPlainRefusals();

app.MapStaticAssets().AllowAnonymous();
app.MapHealth();
app.MapJobsDashboard();
app.MapPortalIdentityEndpoints();
app.MapLanguageSwitch();
app.MapStatementCsv();
app.MapTransactionsCsv();
app.MapApiV1();
app.MapRazorComponents<App>().AddInteractiveServerRenderMode();

// `seed-demo` and the `bench-*` commands (Features/Demo) run on the app's services and exit; the served benchmarks
// start this very app (the pipeline above) on loopback, so it is configured before they run.
if (await app.RunCommandAsync(args))
{
    return;
}

await app.RunAsync();

/// <summary>Entry point; public so the test host can start the real app.</summary>
public partial class Program;
